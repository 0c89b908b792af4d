"""config.warmup: a web process imports the URLconf and reads both catalogues before serving."""

from django.conf import settings
from django.urls import clear_url_caches, get_resolver
from django.utils.translation import trans_real


def test_warm_up_fills_the_url_resolver_and_loads_every_language():
    from config.warmup import warm_up

    clear_url_caches()
    trans_real._translations = {}
    warm_up()
    resolver = get_resolver()
    assert resolver._populated
    assert set(trans_real._translations) >= {code for code, _name in settings.LANGUAGES}
    for code, _name in settings.LANGUAGES:
        assert code in resolver._reverse_dict


def test_the_wsgi_module_warms_up_when_loaded():
    import importlib

    import config.wsgi

    clear_url_caches()
    importlib.reload(config.wsgi)
    assert get_resolver()._populated
