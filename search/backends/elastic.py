"""The Elasticsearch 8 backend, written with ``elasticsearch.dsl``.

Searches go through an alias (``daftar-files`` by default). A rebuild fills a new index
``daftar-files-<timestamp>`` and then moves the alias to it in one atomic ``_aliases`` call, so
search never goes down; while a rebuild runs, file updates are written to both indices.

Every write carries an external version, the time (µs) at which the document was read from
the database, taken *before* reading: Elasticsearch refuses a write older than the one it has,
so a slow rebuild batch can never overwrite a newer update (a refused write is a 409, which is
expected and ignored).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from datetime import timedelta

from django.utils import timezone
from elastic_transport import TransportError
from elasticsearch import ApiError, BadRequestError, Elasticsearch, NotFoundError, helpers
from elasticsearch.dsl import (
    Date,
    Document,
    Index,
    Integer,
    Keyword,
    Q,
    Search,
    Text,
    Wildcard,
    analyzer,
    normalizer,
)

from search.backends.base import RESULT_CAP, Progress, SearchBackend
from search.backends.database.repair import repair_report
from search.models import IndexBuild, PendingReindex
from search.query import ParsedQuery
from search.sources import Composed, Viewer, source
from search.types import MARK_END, MARK_START, BackendPage, CheckReport, Filters, encode_cursor

logger = logging.getLogger("daftar.search")

BATCH = 500
MAX_WINDOW = 10_000  # Elasticsearch's default index.max_result_window

lowercase = normalizer("daftar_lowercase", filter=["lowercase"])
# Unicode word boundaries and lower case, no stemming and no stop words: what Urdu needs, and
# the exact form of English words. ``decimal_digit`` folds Urdu digits (۱۲) to ASCII (12).
plain = analyzer("daftar_plain", tokenizer="standard", filter=["lowercase", "decimal_digit"])


def _text() -> Text:
    return Text(analyzer="english", fields={"plain": Text(analyzer=plain)})


class FileIndexDocument(Document):
    """One file in the Elasticsearch index (what the desk composes: ``search.sources.Composed``)."""

    file_id = Integer()
    number = Keyword(normalizer=lowercase, fields={"wild": Wildcard()})
    number_parts = Keyword()  # query.number_parts: runs of whole parts, lower case
    subject = _text()
    receipts = _text()
    notes = _text()
    papers = _text()
    department_id = Integer()
    section_id = Integer()
    holding_post_id = Integer()
    custody_post_ids = Integer(multi=True)
    status = Keyword()
    priority = Integer()
    grading = Integer()
    year = Integer()
    opened_at = Date(default_timezone="UTC")
    updated_at = Date(default_timezone="UTC")
    content_hash = Keyword(index=False)

    class Index:
        name = "daftar-files"
        settings = {"number_of_shards": 1, "auto_expand_replicas": "0-1"}

    @classmethod
    def from_composed(cls, doc: Composed) -> FileIndexDocument:
        return cls(
            meta={"id": doc.file_id},
            file_id=doc.file_id,
            number=doc.number,
            number_parts=doc.number_parts,
            subject=doc.subject,
            receipts=doc.receipts_text,
            notes=doc.notes_text,
            papers=doc.papers_text,
            department_id=doc.department_id,
            section_id=doc.section_id,
            holding_post_id=doc.holding_post_id,
            custody_post_ids=doc.custody_post_ids,
            status=doc.status,
            priority=doc.priority,
            grading=doc.grading,
            year=doc.year,
            opened_at=doc.opened_at,
            updated_at=doc.updated_at,
            content_hash=doc.content_hash,
        )


TEXT_FIELDS = [
    "subject^4",
    "subject.plain^4",
    "receipts^2",
    "receipts.plain^2",
    "notes",
    "notes.plain",
    "papers^0.5",
    "papers.plain^0.5",
]
SNIPPET_FIELDS = ["receipts", "notes", "papers"]
FACET_FIELDS = {
    "department": "department_id",
    "status": "status",
    "priority": "priority",
    "year": "year",
}


def index_definition(name: str, client=None) -> Index:
    """The index (settings, analysers and mapping) a rebuild creates under ``name``."""
    index = Index(name, using=client) if client is not None else Index(name)
    index.settings(**FileIndexDocument._index._settings)
    index.document(FileIndexDocument)
    return index


def build_search(
    *,
    alias: str,
    viewer: Viewer,
    query: ParsedQuery,
    filters: Filters,
    sort: str,
    cursor: dict,
    limit: int,
    highlight: bool = True,
    client=None,
) -> Search:
    """The search request: text and number clauses in ``must``, the visibility rule and the
    facet filters in ``bool.filter`` (no scoring, cached), facets as aggregations."""
    s = Search(using=client, index=alias) if client is not None else Search(index=alias)
    must, must_not = [], []
    for word in query.words:
        must.append(
            Q("multi_match", query=word, fields=TEXT_FIELDS, type="best_fields", tie_breaker=0.3)
        )
    for phrase in query.phrases:
        must.append(Q("multi_match", query=phrase, fields=TEXT_FIELDS, type="phrase"))
    for fragment in query.numbers:
        # a whole part of a file number, or the same characters in the text ("2025-26")
        must.append(
            Q(
                "bool",
                should=[
                    Q("term", number_parts={"value": fragment, "boost": 5}),
                    Q("multi_match", query=fragment, fields=TEXT_FIELDS, type="phrase"),
                ],
                minimum_should_match=1,
            )
        )
    if must:
        for word in query.excluded:
            must_not.append(Q("multi_match", query=word, fields=TEXT_FIELDS, type="phrase"))
    flt = [Q(source().visibility.elasticsearch_filter(viewer))]
    if filters.department:
        flt.append(Q("terms", department_id=list(filters.department)))
    if filters.status:
        flt.append(Q("terms", status=list(filters.status)))
    if filters.priority:
        flt.append(Q("terms", priority=list(filters.priority)))
    if filters.year:
        flt.append(Q("terms", year=list(filters.year)))
    s = s.query(Q("bool", must=must or [Q("match_all")], must_not=must_not, filter=flt))
    s = s.source(False).extra(track_total_hits=RESULT_CAP, timeout="3s")
    for name, field in FACET_FIELDS.items():
        s.aggs.bucket(name, "terms", field=field, size=50)
    ranked = sort == "relevance" and query.has_positive
    if ranked:
        offset = max(0, min(int(cursor.get("o") or 0), MAX_WINDOW - limit))
        s = s.sort("_score", {"opened_at": "desc"}, {"file_id": "desc"})
        s = s[offset : offset + limit + 1]
    else:
        s = s.sort({"opened_at": "desc"}, {"file_id": "desc"})
        if cursor.get("sa"):
            s = s.extra(search_after=list(cursor["sa"]))
        s = s[0 : limit + 1]
    if highlight and query.has_positive:
        fields = {
            "subject": {"number_of_fragments": 0},
            "subject.plain": {"number_of_fragments": 0},
        }
        for name in SNIPPET_FIELDS:
            for field in (name, f"{name}.plain"):
                fields[field] = {"fragment_size": 160, "number_of_fragments": 2}
        s = s.highlight_options(
            pre_tags=[MARK_START], post_tags=[MARK_END], encoder="default", order="score"
        )
        for field, options in fields.items():
            s = s.highlight(field, **options)
    return s


class ElasticsearchBackend(SearchBackend):
    name = "elasticsearch"

    def __init__(self, *, url: str, alias: str = "daftar-files", client=None):
        self.alias = alias
        self.client = client or Elasticsearch(
            url, request_timeout=10, retry_on_timeout=True, max_retries=2
        )
        self._index_ready = False
        self.refresh_on_write = False  # tests turn this on ("wait_for")

    # ----------------------------------------------------------------- writing
    def ensure_index(self) -> None:
        """Create a first index behind the alias if there is none yet."""
        if self._index_ready:
            return
        if not self.client.indices.exists_alias(name=self.alias):
            # A fixed name for the first index, so two processes starting at once cannot
            # put the alias on two indices.
            try:
                index_definition(f"{self.alias}-0", self.client).aliases(
                    **{self.alias: {}}
                ).create()
            except BadRequestError as exc:
                if exc.error != "resource_already_exists_exception":
                    raise
        self._index_ready = True

    def _new_index_name(self) -> str:
        return f"{self.alias}-{timezone.now():%Y%m%d%H%M%S%f}"

    def _building(self) -> list[str]:
        """Indices being filled by an unfinished rebuild (they receive updates too)."""
        day_ago = timezone.now() - timedelta(days=1)
        return list(
            IndexBuild.objects.filter(
                backend=self.name, finished_at__isnull=True, started_at__gt=day_ago
            )
            .exclude(index_name="")
            .values_list("index_name", flat=True)
        )

    @staticmethod
    def actions(docs: Iterable[Composed], gone: Iterable[int], *, index: str, version: int):
        for doc in docs:
            yield {
                "_op_type": "index",
                "_index": index,
                "_id": str(doc.file_id),
                "version": version,
                "version_type": "external",
                "_source": FileIndexDocument.from_composed(doc).to_dict(),
            }
        for file_id in gone:
            yield {
                "_op_type": "delete",
                "_index": index,
                "_id": str(file_id),
                "version": version,
                "version_type": "external",
            }

    def _bulk(self, actions) -> int:
        ok, _errors = helpers.bulk(
            self.client,
            actions,
            chunk_size=BATCH,
            ignore_status=(404, 409),  # gone already / a newer version is in
            refresh="wait_for" if self.refresh_on_write else False,
        )
        return ok

    def index_files(self, file_ids: Iterable[int]) -> int:
        ids = sorted(set(file_ids))
        if not ids:
            return 0
        self.ensure_index()
        version = time.time_ns() // 1000  # read time, taken before reading
        docs = source().compose(ids, with_custody=True)
        gone = [i for i in ids if i not in docs]
        # One bulk request, to the live alias and to any index a rebuild is filling.
        return self._bulk(
            action
            for target in [self.alias, *self._building()]
            for action in self.actions(docs.values(), gone, index=target, version=version)
        )

    def remove_files(self, file_ids: Iterable[int]) -> None:
        self.ensure_index()
        version = time.time_ns() // 1000
        gone = list(file_ids)
        self._bulk(
            action
            for target in [self.alias, *self._building()]
            for action in self.actions([], gone, index=target, version=version)
        )

    # ----------------------------------------------------------------- reading
    def search(self, *, viewer, query, filters, sort, cursor, limit, highlight=True) -> BackendPage:
        empty = BackendPage([], {}, {}, {}, 0, False, {f: {} for f in FACET_FIELDS}, False, None)
        if viewer.sees_nothing:
            return empty
        self.ensure_index()
        s = build_search(
            alias=self.alias,
            viewer=viewer,
            query=query,
            filters=filters,
            sort=sort,
            cursor=cursor,
            limit=limit,
            highlight=highlight,
            client=self.client,
        )
        try:
            response = s.execute()
        except (ApiError, TransportError):
            logger.exception("Elasticsearch search failed")
            empty.unavailable = True
            return empty
        hits = list(response.hits)
        more = len(hits) > limit
        hits = hits[:limit]
        ids = [int(h.meta.id) for h in hits]
        subjects, snippets, scores = {}, {}, {}
        for hit, file_id in zip(hits, ids, strict=True):
            if hit.meta.score is not None:
                scores[file_id] = float(hit.meta.score)
            hl = hit.meta.to_dict().get("highlight", {})
            subject = hl.get("subject") or hl.get("subject.plain")
            if subject:
                subjects[file_id] = subject[0]
            for name in SNIPPET_FIELDS:
                fragments = hl.get(name) or hl.get(f"{name}.plain")
                if fragments:
                    snippets[file_id] = " … ".join(fragments)
                    break
        total = response.hits.total
        next_cursor = None
        if more:
            if sort == "relevance" and query.has_positive:
                offset = int(cursor.get("o") or 0) + limit
                if offset + limit <= MAX_WINDOW:
                    next_cursor = encode_cursor({"s": "relevance", "o": offset})
            else:
                next_cursor = encode_cursor({"s": "newest", "sa": list(hits[-1].meta.sort)})
        facets = {
            name: {b.key: b.doc_count for b in getattr(response.aggregations, name).buckets}
            for name in FACET_FIELDS
        }
        return BackendPage(
            ids=ids,
            subjects=subjects,
            snippets=snippets,
            scores=scores,
            total=min(total.value, RESULT_CAP),
            total_is_capped=total.relation == "gte" or total.value > RESULT_CAP,
            facets=facets,
            facets_capped=False,
            next_cursor=next_cursor,
            timed_out=bool(response.timed_out),
        )

    def number_candidates(self, *, viewer: Viewer, key: str, limit: int) -> list[int]:
        if viewer.sees_nothing or not key:
            return []
        self.ensure_index()
        lowered = key.lower()
        steps = [
            Q("term", number=lowered),
            Q("term", number_parts=lowered),
        ]
        if len(key) >= 3:
            escaped = lowered.replace("\\", "\\\\").replace("*", "\\*").replace("?", "\\?")
            steps.append(
                Q(
                    "wildcard",
                    **{"number.wild": {"value": f"*{escaped}*", "case_insensitive": True}},
                )
            )
        for condition in steps:
            s = (
                Search(using=self.client, index=self.alias)
                .query(
                    Q(
                        "bool",
                        filter=[condition, Q(source().visibility.elasticsearch_filter(viewer))],
                    )
                )
                .sort({"opened_at": "desc"}, {"file_id": "desc"})
                .source(False)[:limit]
            )
            found = [int(h.meta.id) for h in s.execute().hits]
            if found:
                return found
        return []

    # ----------------------------------------------------------------- upkeep
    def rebuild(self, *, progress: Progress = None) -> int:
        """Fill a new index, then swap the alias to it atomically and drop the old ones."""
        name = self._new_index_name()
        index = index_definition(name, self.client)
        index.settings(refresh_interval="-1")  # no refreshes while loading
        index.create()
        build = IndexBuild.objects.create(backend=self.name, index_name=name)
        started = time.monotonic()
        total = source().file_ids().count()
        done = 0
        try:
            for batch in source().file_id_batches(BATCH):
                version = time.time_ns() // 1000
                docs = source().compose(batch, with_custody=True)
                self._bulk(self.actions(docs.values(), [], index=name, version=version))
                done += len(batch)
                if progress:
                    progress(done, total)
            self.client.indices.put_settings(
                index=name, settings={"index": {"refresh_interval": None}}
            )
            self.client.indices.refresh(index=name)
            self._swap_alias(name)
        except Exception:
            build.delete()
            self.client.indices.delete(index=name, ignore_unavailable=True)
            raise
        build.finished_at = timezone.now()
        build.files = done
        build.seconds = time.monotonic() - started
        build.save(update_fields=["finished_at", "files", "seconds"])
        self._index_ready = True
        return done

    def _swap_alias(self, name: str) -> None:
        try:
            old = sorted(self.client.indices.get_alias(name=self.alias).keys())
        except NotFoundError:
            old = []
        actions = [{"remove": {"index": o, "alias": self.alias}} for o in old]
        actions.append({"add": {"index": name, "alias": self.alias}})
        if self.client.indices.exists(index=self.alias) and not old:
            # An index created under the alias's name (e.g. by hand): replace it in the same call.
            actions.append({"remove_index": {"index": self.alias}})
        self.client.indices.update_aliases(actions=actions)
        stale = [o for o in old if o != name]
        if stale:
            self.client.indices.delete(index=",".join(stale), ignore_unavailable=True)

    def check(self, *, repair: bool = False, progress: Progress = None) -> CheckReport:
        self.ensure_index()
        indexed = {
            int(hit["_id"]): hit.get("_source", {}).get("content_hash")
            for hit in helpers.scan(
                self.client,
                index=self.alias,
                query={"query": {"match_all": {}}},
                _source=["content_hash"],
            )
        }
        report = CheckReport(
            files=source().file_ids().count(),
            indexed=len(indexed),
            pending=sorted(PendingReindex.objects.values_list("file_id", flat=True)),
        )
        seen = set()
        done = 0
        for batch in source().file_id_batches(BATCH):
            docs = source().compose(batch, with_custody=True)
            for file_id, doc in docs.items():
                seen.add(file_id)
                if file_id not in indexed:
                    report.missing.append(file_id)
                elif indexed[file_id] != doc.content_hash:
                    report.stale.append(file_id)
            done += len(batch)
            if progress:
                progress(done, report.files)
        report.orphans = sorted(set(indexed) - seen)
        if repair:
            report.repaired = repair_report(self, report)
        return report

    def health(self) -> dict:
        info = self.client.options(request_timeout=2).cluster.health()
        if info.get("status") == "red":
            raise RuntimeError("cluster status is red")
        try:
            indices = sorted(self.client.indices.get_alias(name=self.alias).keys())
        except NotFoundError:
            indices = []
        return {"backend": self.name, "cluster": info.get("status"), "index": ",".join(indices)}

    def refresh(self) -> None:
        self.client.indices.refresh(index=self.alias)
