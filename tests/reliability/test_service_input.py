"""The Service (the one data source of the API and the UI) refuses text it cannot read with a
Chinese message before anything tokenizes it; no index or model is needed to check this."""
from __future__ import annotations

import pytest

from assistant.web.service import Service
from index.errors import InputError


@pytest.mark.parametrize("text", ["物流\ud800补助", "\udcff\udcfe", "补助\udfff"])
def test_lone_surrogates_get_a_chinese_message(settings, text):
    service = Service(settings)
    for call in (lambda: service.check_question(text),
                 lambda: service.check_question(text, what="search query", what_zh="检索内容")):
        with pytest.raises(InputError) as err:
            call()
        assert "无法识别的字符" in err.value.zh


def test_non_text_is_refused(settings):
    with pytest.raises(InputError) as err:
        Service(settings).check_question(123)
    assert "文字" in err.value.zh
