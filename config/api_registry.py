"""Apps list their public API collections here so the API root links to them."""

_LINKS: list[tuple[str, str]] = []


def register_api_link(name: str, url_name: str) -> None:
    if (name, url_name) not in _LINKS:
        _LINKS.append((name, url_name))


def api_links() -> list[tuple[str, str]]:
    return list(_LINKS)
