"""The seeding steps after the organisation, for ``manage.py seed_demo``: each app's demo data,
in the order they depend on each other. Each is ``(heading, callable(progress=...))``; an app
with demo data adds its own line here (its module in ``demo/``)."""

from demo.accounts import seed as seed_second_factor
from demo.cgu import seed as cgu_seed
from demo.cgu_entities import seed as seed_entity_portal
from demo.complaints import seed as seed_complaints
from demo.files import seed_files
from demo.letters import seed as seed_letters
from demo.portal import seed as seed_portal
from demo.search import seed as seed_search


def later_steps():
    """Seeding steps of the other apps, in the order they depend on each other."""
    return [
        # Letters before the files: their letters use the letterheads and texts.
        ("Letters: letterheads and standard texts (issued letters are signed)", seed_letters),
        ("Files: a few hundred in every state, through the desk services", seed_files),
        ("CGU: public sector entities, KPIs and returns", cgu_seed),
        ("Entity portal: entity users, returns in every state", seed_entity_portal),
        # The public site after the CGU's line: its performance pages show the CGU's figures.
        ("Public site: pages, editor, citizens' matters", seed_portal),
        ("Complaints: district offices, complaints in every state", seed_complaints),
        # Search last but one: it indexes what the others made.
        ("Search: every file in the index", seed_search),
        # The second factor after every step that makes logins.
        ("Sign-in: a second factor for every demo login", seed_second_factor),
    ]
