"""Readability indexes against sums done by hand, and budgets from front matter and studio.yaml."""

import pytest

from studio.core.checks import readability as rd


def test_gulpease_of_a_plain_paragraph_matches_the_hand_count():
    # Il(2) gatto(5) dorme(5) | La(2) casa(4) è(1) grande(6): 2 sentences, 7 words, 25 letters.
    # 89 + (300 × 2 − 10 × 25) / 7 = 89 + 350 / 7 = 139.0: past the index's scale, so 100
    counts = rd.count("Il gatto dorme. La casa è grande.")
    assert (counts.sentences, counts.words, counts.letters) == (2, 7, 25)
    assert rd.readability("Il gatto dorme. La casa è grande.", "it").value == 100.0
    # a sentence of long words goes as low as 0, never below: 5 words, 130 letters,
    # 89 + (300 − 1300) / 5 = −111
    assert rd.readability(" ".join(["precipitevolissimevolmente"] * 5) + ".", "it").value == 0.0
    # inside the scale, the formula as it is: 5 words, 67 letters, 89 + (300 − 670) / 5 = 15
    text = "Prestazioni energetiche convenzionalmente determinate obbligatoriamente."
    assert rd.readability(text, "it").value == pytest.approx(15.0, abs=0.1)


def test_gulpease_counts_letters_not_digits_apostrophes_or_abbreviation_periods():
    text = (
        "Ai sensi dell'art. 13 del Regolamento, la Società tratta i dati.\n\n"
        "- per eseguire il contratto;\n- per legge"
    )
    # Sentence 1: Ai(2) sensi(5) dell(4) art(3) 13(0) del(3) Regolamento(11) la(2) Società(7)
    # tratta(6) i(1) dati(4) = 12 words, 48 letters ("art." does not end it: a digit follows).
    # Each list item is a sentence: per(3) eseguire(8) il(2) contratto(9); per(3) legge(5).
    # 3 sentences, 18 words, 78 letters: 89 + (900 − 780) / 18 = 95.666…
    counts = rd.count(text)
    assert (counts.sentences, counts.words, counts.letters) == (3, 18, 78)
    assert counts.longest_sentence == 12
    assert rd.readability(text, "it").value == pytest.approx(95.7, abs=0.1)


def test_gulpease_of_a_long_legal_sentence_is_low():
    text = (
        "La presente vale come costituzione in mora ai sensi dell'articolo 1219 del Codice "
        "civile e trascorsi i termini previsti dalla regolazione potremo chiedere al "
        "distributore la sospensione della fornitura."
    )
    counts = rd.count(text)
    # 1 sentence; 30 words; letters counted by hand word by word:
    # La2 presente8 vale4 come4 costituzione12 in2 mora4 ai2 sensi5 dell4 articolo8 1219:0
    # del3 Codice6 civile6 e1 trascorsi9 i1 termini7 previsti8 dalla5 regolazione11
    # potremo7 chiedere8 al2 distributore12 la2 sospensione11 della5 fornitura9 = 168
    assert (counts.sentences, counts.words, counts.letters) == (1, 30, 168)
    # 89 + (300 − 1680) / 30 = 89 − 46 = 43.0
    assert rd.readability(text, "it").value == pytest.approx(43.0, abs=0.1)


def test_flesch_reading_ease_for_english():
    # The(1) cat(1) sat(1) on(1) the(1) mat(1) | It(1) was(1) happy(2): 9 words, 10 syllables,
    # 2 sentences: 206.835 − 1.015 × 4.5 − 84.6 × 10 / 9 = 108.3
    value = rd.readability("The cat sat on the mat. It was happy.", "en")
    assert value.index == rd.FLESCH
    assert value.value == pytest.approx(108.3, abs=0.1)
    assert rd.english_syllables("service") == 2
    assert rd.english_syllables("changed") == 1
    assert rd.english_syllables("table") == 2


def test_budgets_per_locale_owner_and_block():
    project = {"it": {"min": 60}, "owners": {"legal": {"it": {"min": 45}}}}
    assert rd.budget(project, "it", "studio.yaml", 1).min == 60
    assert rd.budget(project, "en", "studio.yaml", 1) is None
    inherited = rd.budget(project, "it", "studio.yaml", 1)
    assert rd.budget({"min": 40}, "it", "blocks/x.md", 1, inherited).min == 40
    assert rd.budget(False, "it", "blocks/x.md", 1, inherited) is None
    assert rd.budget(None, "it", "blocks/x.md", 1, inherited) is inherited
    assert rd.setting_problem(project) is None
    assert "min must be a number" in rd.setting_problem({"min": "sixty"})
    assert "unknown key" in rd.setting_problem({"max": 3})


def test_setting_problems_speak_the_studios_language():
    found = rd.setting_problems({"readability": {"min": "sessanta", "owners": {"legal": 3}}},
                                "readability", "studio.yaml", roles=["marketing"])
    italian = [p.in_language("it") for p in found]
    assert "readability: min deve essere un numero, non 'sessanta'" in italian
    assert any("il responsabile 'legal' non è un ruolo di studio.yaml" in m for m in italian)
    assert [str(p.message) for p in found][0] == "readability: min must be a number, not 'sessanta'"
