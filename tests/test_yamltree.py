def test_flow_end_skips_brackets_in_quotes_and_comments():
    from kubelint_scrape.yamltree import flow_end

    assert flow_end(['rules: [a, "b]", c]  # x]'], 0) == (0, 19)
    assert flow_end(["x: [a", "# ]", " b]"], 0) == (2, 3)
    assert flow_end(["x: [a, b"], 0) is None


def test_flow_end_apostrophes_are_not_quotes_inside_plain_scalars():
    from kubelint_scrape.yamltree import flow_end

    # `it's` is a plain scalar: its apostrophe opens no quoted scalar (the collection closes on its line);
    # `''` inside single quotes is an escaped quote, not the end of the scalar.
    assert flow_end(["x: {a: it's, b: [1]}"], 0) == (0, 20)
    assert flow_end(["x: ['it''s]', b", "  c]"], 0) == (1, 4)
