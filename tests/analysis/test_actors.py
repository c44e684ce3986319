"""Actor merging: name variants, pronouns after a named person, near-miss names kept apart."""

from __future__ import annotations

import pytest

from watcher.analysis.actors import same_name


@pytest.mark.parametrize(("a", "b", "person", "expected"), [
    ("Putin", "Vladimir Putin", True, True),
    ("President Vladimir Putin", "Vladimir Putin", True, True),
    ("Kim Jong Un", "Kim Jong Gyu", True, False),
    ("Halvard", "Halvard Foods", False, True),
    ("Ministry of Health", "Ministry of Agriculture", False, False),
    ("Dr Ada Hale", "Hale", True, True),
    ("Ada Hale", "Ada Hall", True, False),
    ("Zelenskiy", "Zelensky", True, True),
    # a body and its initials, not a person and initials
    ("ORSB", "Ostry Rail Safety Board", False, True),
    ("Gaskett Water Authority", "GWA", False, True),
    ("GWA", "Gaskett Water Authority", True, False),
    ("ORSB", "Ostry Safety Board", False, False),
])
def test_same_name(a: str, b: str, person: bool, expected: bool) -> None:
    assert same_name(a, b, person) is expected


def test_pronoun_after_named_person(engine) -> None:
    from tests.analysis.helpers import status_of, statuses

    text = ("Pinecrest Air's founder, Ivo Brandl, spoke to reporters on Friday. "
            "He denied that Marlowe Airways was in talks to buy the airline.")
    assert status_of(statuses(engine, text), "Ivo Brandl") == "denied"


@pytest.mark.parametrize(("text", "actor"), [
    # a state's ministries speak for the state
    ("Serland's government denied that Marlowe Airways was in talks to buy Pinecrest Air. "
     "Serland's Transport Ministry later confirmed the talks between Marlowe Airways and "
     "Pinecrest Air.", "Serland"),
])
def test_actor_identity(engine, text: str, actor: str) -> None:
    from tests.analysis.helpers import status_of, statuses

    result = statuses(engine, text)
    assert status_of(result, actor) is not None
    assert len({name for name in result if actor.casefold() in name.casefold()}) == 1


def test_kim_jong_gyu_is_not_kim_jong_un(engine) -> None:
    from watcher.models import ArticleText, StoryState
    from watcher.tracking.decide import apply_analysis

    base = ("Kim Jong Un said that Northland troops were in Southmark, state media reported.")
    state = StoryState()
    apply_analysis(state, engine.analyze(ArticleText("", base), None), baseline=True)
    item = "Kim Jong Gyu denied that Northland troops were in Southmark."
    analysis = engine.analyze(ArticleText("", item), state.view())
    names = {p.actor.name for p in analysis.positions}
    assert names and all("Gyu" in n for n in names)


def test_its_officer_speaks_for_the_organisation_last_named(engine) -> None:
    """ "its chief executive" after a second company is named: that company, not the one
    heard speaking before."""
    from tests.analysis.helpers import statuses

    text = ("Dunmore Rail said on Monday that the points at Ashby were inspected in May. "
            "Northgate Signal Company, which supplies the points, also looked at the report. "
            "\"We confirm that the points at Ashby failed,\" said its chief executive, "
            "Petra Lund.")
    base = ("The points at Ashby failed before Tuesday's derailment, the drivers' union said. "
            "Northgate Signal Company declined to comment.")
    result = statuses(engine, text, baseline=base)
    assert result.get("Northgate Signal Company") == "confirmed"
    assert result.get("Dunmore Rail") != "confirmed"


def test_a_person_known_by_surname_takes_the_fuller_name(engine) -> None:
    """A person first met as the owner of a publicist ("Marr's publicist") and later named in
    full is shown by the full name."""
    from watcher.models import ArticleText, StoryState
    from watcher.tracking.decide import apply_analysis

    base = ("The winger Jonas Marr is joining Castlebrook, the Evening Post reported, a story "
            "Marr's publicist rejected.")
    state = StoryState()
    apply_analysis(state, engine.analyze(ArticleText("", base), None), baseline=True)
    item = "Jonas Marr confirmed on Friday that he is joining Castlebrook."
    analysis = engine.analyze(ArticleText("", item), state.view())
    names = {p.actor.name for p in analysis.positions if p.status == "confirmed"}
    assert names == {"Jonas Marr"}


def test_a_headline_speaker_first_named_in_the_body_is_that_actor(engine) -> None:
    """The headline is read after the body: "Pinecrest confirms ..." where Pinecrest Air first
    speaks in the body is Pinecrest Air (the body alone takes no position here)."""
    from tests.analysis.helpers import statuses

    body = ("Pinecrest Air said on Tuesday that its board would meet next week. The regional "
            "carrier has 40 aircraft.")
    assert statuses(engine, body).get("Pinecrest Air") is None
    result = statuses(engine, body, title="Pinecrest confirms talks with Marlowe Airways")
    assert result.get("Pinecrest Air") == "confirmed"


@pytest.mark.parametrize("text", [
    "Marlowe Airways will buy Pinecrest Air for $400 million, the two companies confirmed on "
    "Friday.",
    "Marlowe Airways and Pinecrest Air have agreed terms. The pair confirmed on Friday that "
    "Marlowe Airways is buying Pinecrest Air.",
])
def test_a_joint_speaker_is_each_of_the_two_last_named(engine, text: str) -> None:
    from tests.analysis.helpers import statuses

    result = statuses(engine, text)
    assert result.get("Marlowe Airways") == "confirmed"
    assert result.get("Pinecrest Air") == "confirmed"


def test_two_unnamed_sources_are_not_the_two_last_named(engine) -> None:
    """"two bankers briefed on the deal" are new, unnamed sources: neither company takes their
    position (as the two companies themselves do)."""
    from tests.analysis.helpers import statuses

    joint = statuses(engine, "Marlowe Airways will buy Pinecrest Air for $400 million, the two "
                             "companies confirmed on Friday.")
    assert joint.get("Marlowe Airways") == joint.get("Pinecrest Air") == "confirmed"
    sources = statuses(engine, "Marlowe Airways will buy Pinecrest Air for $400 million, two "
                               "bankers briefed on the deal said on Friday.")
    assert "Marlowe Airways" not in sources and "Pinecrest Air" not in sources


@pytest.mark.xfail(strict=True, reason="rule deleted by ablation (issue 9): the organisation "
                   "last heard is often a news agency (\"We are seeing evidence ...,\" Austin "
                   "said, read as the Associated Press)")
def test_a_person_first_heard_saying_we_speaks_for_the_body_in_view(engine) -> None:
    """'"We ...," Tom Avery said' right after the company is named: the company speaks."""
    from tests.analysis.helpers import statuses

    text = ("Marlowe Airways issued a statement on Friday. \"We are not in talks with Pinecrest "
            "Air and we never were,\" Tom Avery told reporters.")
    result = statuses(engine, text)
    assert result.get("Marlowe Airways") == "denied"
    assert "Tom Avery" not in result


def test_a_company_named_after_a_state_is_not_the_state() -> None:
    """Only a state's own names (country, capital, demonym, organs) fold into it."""
    from watcher.analysis.actors import Resolver
    from watcher.analysis.mentions import Mention
    from watcher.models import Actor

    resolver = Resolver(known={"norway": Actor("norway", "Norway", "gpe")})
    airline = resolver.resolve(Mention(text="Norway Air Shuttle", org="Norway Air Shuttle",
                                       kind="org"))
    ministry = resolver.resolve(Mention(text="Norway's foreign ministry", org="Norway",
                                        role=True, kind="gpe"))
    assert airline is not None and airline.name == "Norway Air Shuttle"
    assert ministry is not None and ministry.key == "norway"


def test_a_body_described_first_and_named_later_is_one_actor(engine) -> None:
    """ "The border commission that watches the river", named further down as the Lorne
    Basin Commission: one actor, under its name."""
    from tests.analysis.helpers import statuses

    base = ("Water released from the Brannock dam caused the flood in Kelso, farmers said. "
            "Brannock Power declined to comment.")
    text = ("The border commission that watches the river confirmed on Friday that "
            "water released from the Brannock dam caused the flood in Kelso. The Lorne Basin "
            "Commission said its gauges had recorded the surge at dawn.")
    result = statuses(engine, text, baseline=base)
    assert result.get("Lorne Basin Commission") == "confirmed"
    assert not any("border" in name for name in result)


def test_a_demonym_and_a_common_noun_describe_the_company_in_view(engine) -> None:
    from tests.analysis.helpers import statuses

    base = ("A brake fault caused the crash on the coast road, police said. Velora Motors "
            "declined to comment.")
    text = ("Velora Motors recalled 40,000 cars on Monday. The Portuguese carmaker confirmed "
            "that a brake fault caused the crash on the coast road.")
    result = statuses(engine, text, baseline=base)
    assert result.get("Velora Motors") == "confirmed"
    assert "Portugal" not in result


def test_a_body_is_shown_with_the_person_who_spoke_for_it(engine) -> None:
    """An officer speaking in role takes the body's position; the alert names them beside it
    (a reader wants to know who said it), and their own later words stay the body's."""
    from tests.analysis.helpers import story
    from watcher.models import ArticleText
    from watcher.tracking.decide import apply_analysis

    state = story(engine)
    item = ("Petra Lind, the chief executive of Marlowe Airways, confirmed on Tuesday that the "
            "airline was in talks to buy Pinecrest Air.")
    changes = apply_analysis(state, engine.analyze(ArticleText("", item), state.view()))
    alerts = [c for c in changes if c.alert]
    assert [(c.actor.name, c.speaker, c.new) for c in alerts] == [
        ("Marlowe Airways", "Petra Lind", "confirmed")]
    assert alerts[0].shown_actor == "Marlowe Airways (Petra Lind)"


def test_a_person_speaking_for_themselves_is_shown_by_name_alone(engine) -> None:
    from tests.analysis.helpers import story
    from watcher.models import ArticleText
    from watcher.tracking.decide import apply_analysis

    state = story(engine)
    item = ("Ivo Brandl, a pilot at Pinecrest Air, denied on Tuesday that Marlowe Airways was "
            "in talks to buy the airline.")
    changes = [c for c in apply_analysis(state, engine.analyze(ArticleText("", item),
                                                               state.view()),
                                         rule="decisive") if c.alert]
    assert changes and all(c.speaker == "" and c.shown_actor == c.actor.name for c in changes)
    assert any("Brandl" in c.shown_actor for c in changes)


def test_a_body_known_by_a_short_name_is_shown_by_its_full_name(engine) -> None:
    """The baseline's "the Reserve Bank" and a later "the Reserve Bank of Ostland" are one
    actor, shown by the fuller name once an article gives it."""
    from tests.analysis.helpers import story
    from watcher.models import ArticleText
    from watcher.tracking.decide import apply_analysis

    state = story(engine, "Dealers said the Reserve Bank sold dollars on Monday to prop up the "
                          "crown. The Reserve Bank declined to comment.")
    assert state.actors["reserve-bank"].name == "Reserve Bank"
    item = ("The Reserve Bank of Ostland confirmed on Friday that it sold dollars on Monday to "
            "prop up the crown.")
    changes = apply_analysis(state, engine.analyze(ArticleText("", item), state.view()))
    assert [(c.actor.key, c.actor.name, c.old, c.new) for c in changes if c.alert] == [
        ("reserve-bank", "Reserve Bank of Ostland", "no_comment", "confirmed")]
    assert state.actors["reserve-bank"].name == "Reserve Bank of Ostland"


def test_a_body_introduced_by_a_description_is_the_one_a_noun_stands_for() -> None:
    """"Tracking company Hexmark said ..." names Hexmark, and a later "a company spokesman"
    speaks for Hexmark, not for the body named after it that no description called a
    company."""
    from watcher.analysis.actors import Resolver
    from watcher.analysis.mentions import Mention

    resolver = Resolver()
    hexmark = resolver.resolve(Mention(text="Tracking company Hexmark", org="Hexmark",
                                       kind="org"))
    assert hexmark is not None and hexmark.name == "Hexmark"
    assert resolver.resolve(Mention(text="Osprey Orbital", org="Osprey Orbital",
                                    kind="org")) is not None
    spokesman = resolver.resolve(Mention(text="a company spokesman", org_noun="company",
                                         role=True))
    assert spokesman is not None and spokesman.key == "hexmark"


def test_an_officer_named_with_a_post_but_no_body_speaks_for_the_body(engine) -> None:
    """"Chief Ann Lowe said" beside the police department's own statement on the same claim:
    one actor changes (the department), not a second one alerting beside it."""
    from tests.analysis.helpers import story
    from watcher.models import ArticleText
    from watcher.tracking.decide import apply_analysis

    state = story(engine, "The Caldwick Police Department denied on Monday that evidence "
                          "bags from the Harlow Street raid were lost.")
    item = ("The Caldwick Police Department acknowledged on Thursday that evidence bags from "
            "the Harlow Street raid were lost. \"We accept that the bags were lost, and we are "
            "sorry,\" Chief Ann Lowe said in a statement.")
    changes = apply_analysis(state, engine.analyze(ArticleText("", item), state.view()))
    assert [(c.actor.key, c.old, c.new) for c in changes if c.alert] == [
        ("caldwick-police-department", "denied", "confirmed")]


@pytest.mark.parametrize(("text", "actors"), [
    ("Wickmere & Dunstraw confirmed that Marlowe Airways was in talks to buy Pinecrest Air.",
     ["Wickmere & Dunstraw"]),
    # two names joined by "and" are two speakers
    ("Ostry and Auberly confirmed that Marlowe Airways was in talks to buy Pinecrest Air.",
     ["Auberly", "Ostry"]),
    # a company's suffix does not join two companies into one
    ("Ostry Motors and Gaskett Group confirmed that Marlowe Airways was in talks to buy "
     "Pinecrest Air.", ["Gaskett Group", "Ostry Motors"]),
])
def test_coordinated_names_speak_once_or_twice(engine, text: str, actors: list[str]) -> None:
    """A coordination inside one name ("Wickmere & Dunstraw") is one speaker; two names joined
    by "and" are two."""
    from tests.analysis.helpers import statuses

    found = statuses(engine, text)
    assert sorted(k for k, s in found.items() if s == "confirmed") == actors


_DOCK = ("The Gaskett Dock Workers Union said on Monday that the strike at Ostry port would go "
         "ahead. Ostry Terminals said talks were continuing.")


@pytest.mark.parametrize(("text", "actors"), [
    # a description coordinated with a name speaks too: "the union" is the union on record
    ("Ostry Terminals and the union confirmed that the strike at Ostry port would go ahead.",
     ["Gaskett Dock Workers Union", "Ostry Terminals"]),
    # officials, in the plural, speak for the body they are from or at
    ("Officials from Ostry Terminals confirmed that the strike at Ostry port would go ahead.",
     ["Ostry Terminals"]),
    ("Officials at Ostry Terminals confirmed that the strike at Ostry port would go ahead.",
     ["Ostry Terminals"]),
    ("Union officials confirmed that the strike at Ostry port would go ahead.",
     ["Gaskett Dock Workers Union"]),
])
def test_officials_and_descriptions_speak_for_their_body(engine, text: str,
                                                         actors: list[str]) -> None:
    """ "Officials from X", "union officials", "X and the union": each speaker is the body,
    not an actor named "Officials" and not only the first conjunct."""
    from tests.analysis.helpers import statuses

    found = statuses(engine, text, baseline=_DOCK)
    assert sorted(k for k, s in found.items() if s == "confirmed") == actors


def test_a_person_named_as_officer_of_a_body_no_one_named_speaks_as_themself() -> None:
    """"The choir's director, Lena Tarr" when no choir has been named: a guess at whichever
    body was heard last would put her words in its mouth, so she is her own actor; once a
    body with that noun is named, she speaks for it."""
    from watcher.analysis.actors import Resolver
    from watcher.analysis.mentions import Mention

    resolver = Resolver()
    grid = resolver.resolve(Mention(text="Harnley Grid", org="Harnley Grid", kind="org"))
    assert grid is not None and grid.key == "harnley-grid"
    director = resolver.resolve(Mention(text="director", person="Lena Tarr", org_noun="choir",
                                        role=True, kind="person"))
    assert director is not None and (director.key, director.kind) == ("lena-tarr", "person")

    resolver = Resolver()
    resolver.note_org("Osbury Choir")
    director = resolver.resolve(Mention(text="director", person="Lena Tarr", org_noun="choir",
                                        role=True, kind="person"))
    assert director is not None and director.key == "osbury-choir"
    assert "Lena Tarr" in director.aliases


def test_an_officer_with_no_body_speaks_for_the_body_moving_on_a_twin_claim(engine) -> None:
    """A baseline often states one fact as two claims. When the officer's words link to the
    other claim than the body's statement beside them, the officer still speaks for the one
    body that takes the same position in the article: one alert, not a second actor."""
    from tests.analysis.helpers import story
    from watcher.models import ArticleText
    from watcher.tracking.decide import apply_analysis

    state = story(engine, "Residents of Orrinford said the Orrinford reservoir had leaked on "
                          "Sunday night. Farmers said the floodwater that closed the Orrinford "
                          "road had come from Pellbrook Water's dam. Pellbrook Water declined to "
                          "comment.")
    assert len(state.baseline_keys) == 2
    item = ("Pellbrook Water confirmed on Friday that its Orrinford reservoir had leaked. \"I can "
            "confirm that the floodwater on the Orrinford road came from our reservoir,\" Director "
            "Tom Yarrow said.")
    analysis = engine.analyze(ArticleText("", item), state.view())
    assert {(p.actor.key, p.status, p.speaker) for p in analysis.positions} >= {
        ("pellbrook-water", "confirmed", "Tom Yarrow")}
    assert all(p.actor.key != "tom-yarrow" for p in analysis.positions)
    changes = apply_analysis(state, analysis)
    assert [(c.actor.key, c.new) for c in changes if c.alert] == [
        ("pellbrook-water", "confirmed")]


def test_an_unnamed_officer_speaks_for_the_body_last_in_view(engine) -> None:
    """"A spokeswoman said" after a sentence about a second body is that body's officer, not
    the body heard speaking before it."""
    from watcher.models import ArticleText
    text = ("Lisket Rail said the signal fault on the coast line had been repaired overnight. "
            "The Rail Safety Office was less sure. Its engineers could not yet say whether the "
            "repair would hold, a spokeswoman said.")
    analysis = engine.analyze(ArticleText("", text), None)
    by_sentence = {p.evidence.split(",")[0]: p.actor.key for p in analysis.positions}
    assert by_sentence["Its engineers could not yet say whether the repair would hold"] == \
        "rail-safety-office"
    assert "lisket-rail" in {p.actor.key for p in analysis.positions}


def test_two_states_organs_of_one_name_stay_apart(engine) -> None:
    """ "Quendar's interior ministry" and "a spokesman for Lunmark's interior ministry" are two
    bodies: the owner named in the possessive stays in the name, whether the body is the
    subject or the one a spokesman speaks for."""
    from watcher.models import ArticleText
    text = ("Quendar's interior ministry said on Monday that the border post at Hestra had been "
            "shelled overnight by Lunmark artillery. A spokesman for Lunmark's interior ministry "
            "declined to comment on the shelling of the post at Hestra.")
    analysis = engine.analyze(ArticleText("", text), None)
    names = {p.actor.name for p in analysis.positions}
    assert any(n.startswith("Quendar") for n in names), names
    assert any(n.startswith("Lunmark") for n in names), names
    assert len({p.actor.key for p in analysis.positions}) == 2


@pytest.mark.parametrize("sentence", [
    "Laboratory tests have confirmed that the Tresk reservoir was the source of the parasite.",
    "Genome sequencing showed that the parasite in the patients came from the Tresk reservoir.",
])
def test_evidence_speaks_for_the_body_that_ran_the_check(engine, sentence: str) -> None:
    """Tests, samples or sequencing that "confirmed" or "showed" something are what a body's
    check produced: the position is the body's, not an actor called "Tests"."""
    from watcher.models import ArticleText
    text = ("The Ostwick Water Board said on Monday that it was still checking its reservoirs "
            "for the parasite that has made 40 people ill. " + sentence)
    analysis = engine.analyze(ArticleText("", text), None)
    on_source = {p.actor.key for p in analysis.positions if "Tresk" in p.evidence}
    assert on_source == {"ostwick-water-board"}
