"""kubernetes_sd_configs selectors are parsed at config load with the Kubernetes label/field selector parsers
(k8s.io/apimachinery pkg/labels/selector.go Parse, pkg/fields/selector.go ParseSelector): what they accept."""

from __future__ import annotations

import pytest

from kubelint_scrape.k8sselector import SelectorError, check_field_selector, check_label_selector

LABEL_OK = ["", "app=web", "app==web", "app!=web", "app in (a,b)", "app notin (a)", "app", "!app", "a in ()",
            "a in (,)", "x in (foo,,baz),y,z notin ()", "a=", "a=,b", "x>1", "x<-3", "in=a", "a in (in,notin)",
            "app.kubernetes.io/name=x,tier in (fe, be)", " app = web "]
LABEL_BAD = {
    "app: web": "invalid value",  # the key "app:" is not a qualified name
    "app in [a,b]": "expected: '('",
    "app=a b": "expected: ',' or 'end of string'",
    "app in (a,": "expected: ',', or identifier",
    "a=b,": "identifier after ','",
    ",a": "expected: !, identifier",
    "a/b/c=d": "invalid value",
    "a=-b": "invalid value",
    "x>y": "must be an integer",
    "!a=b": "expected: ',' or 'end of string'",
    "a==(b)": "expected: identifier",
    "app in (a b)": "expected: ',' or ')'",
}
FIELD_OK = ["", "metadata.name=foo", "spec.nodeName==n1,status.phase!=Running", "metadata.name=a\\,b", "a=", "a=b,"]
FIELD_BAD = {"spec.nodeName: n1": "can't understand", "a=b=c": "unescaped", "a=b\\x": "escape", "status.phase": "can't understand"}


@pytest.mark.parametrize("text", LABEL_OK)
def test_label_selectors_that_parse(text: str) -> None:
    check_label_selector(text)


@pytest.mark.parametrize("text", sorted(LABEL_BAD))
def test_label_selectors_that_do_not(text: str) -> None:
    with pytest.raises(SelectorError) as info:
        check_label_selector(text)
    assert LABEL_BAD[text] in str(info.value).lower() or LABEL_BAD[text] in str(info.value)


@pytest.mark.parametrize("text", FIELD_OK)
def test_field_selectors_that_parse(text: str) -> None:
    check_field_selector(text)


@pytest.mark.parametrize("text", sorted(FIELD_BAD))
def test_field_selectors_that_do_not(text: str) -> None:
    with pytest.raises(SelectorError, match=FIELD_BAD[text]):
        check_field_selector(text)
