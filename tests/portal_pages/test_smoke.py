import pytest

pytestmark = pytest.mark.django_db


def test_every_page_renders(client, tree, org):
    for page in [
        tree.home,
        tree.tracking,
        tree.performance,
        tree.departments,
        tree.news,
        tree.about,
    ]:
        response = client.get(page.url)
        assert response.status_code == 200, page.url
    for url in ["e-office/", "departments/fd/", "e-office/csv/", "e-office/json/"]:
        response = client.get(tree.performance.url + url)
        assert response.status_code == 200, url
