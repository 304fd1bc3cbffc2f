"""Extraction rule families on real sentences of the register, negatives included."""

from functools import cache

import pytest

from kg.extract.gazetteer import load_gazetteer
from kg.extract.lexicon import load_lexicon
from kg.extract.report import extract_report
from kg.model import ReportFacts
from kg.read import split_reports


@cache
def resources():
    return load_gazetteer(), load_lexicon()


def facts_of(body: str, title: str = "Syria Situation Report: November 1 - 8, 2015") -> ReportFacts:
    gaz, lex = resources()
    report = split_reports(f"{title}\n\n{body}\n", "t.txt")[0]
    return extract_report(report, gaz, lex, {})


def events(body: str, **kw):
    return [(e.type, e.agent, e.target, e.location) for e in facts_of(body, **kw).events]


def test_list_of_places_gives_one_event_each_with_item_hedges():
    f = facts_of(
        "Russian airstrikes targeted ISIS’s positions in ar-Raqqa, Homs, and reportedly "
        "Deir ez-Zour from November 4 - 5."
    )
    got = {(e.location, e.certainty, str(e.start), str(e.end)) for e in f.events}
    assert got == {
        ("place/raqqa", "Confirmed", "2015-11-04", "2015-11-05"),
        ("place/homs", "Confirmed", "2015-11-04", "2015-11-05"),
        ("place/deir-ez-zour", "Reported", "2015-11-04", "2015-11-05"),
    }
    assert all(e.agent == "actor/russia" and e.target == "actor/isis" for e in f.events)


def test_passive_and_fell_to_take_the_agent_after_the_verb():
    got = events("The town of Morek fell to rebels on November 5. Safira was captured by ISIS.")
    assert ("Seizure", "actor/rebels", None, "place/morek") in [(*g[:2], None, g[3]) for g in got]
    assert any(g[0] == "Seizure" and g[1] == "actor/isis" for g in got)


def test_negated_and_future_events_are_not_created():
    assert events("ISIS failed to seize the town of Safira on November 3.") == []
    assert events("Regime forces will likely attack Palmyra in the coming weeks.") == []
    assert events("Russia aims to enable the regime to recapture Aleppo City.") == []
    assert events("The route used by the regime to deploy reinforcements to Aleppo.") == []


def test_key_takeaway_is_not_a_place():
    f = facts_of("Key Takeaway: ISIS seized the town of Mheen in Homs Province on November 1.")
    assert not any("key" in m for m in f.mentions)
    assert [(e.type, e.location) for e in f.events] == [("Seizure", "place/mheen")]


def test_held_compounds_give_control_and_targets():
    f = facts_of("Russian airstrikes targeted the ISIS-held town of Albu Kamal on November 5.")
    assert [(c.location, c.controller) for c in f.controls] == [("place/albu-kamal", "actor/isis")]
    assert f.events[0].target == "actor/isis"


def test_supply_line_between_two_towns_and_anaphora():
    f = facts_of(
        "ISIS seized multiple checkpoints along the highway between the towns of Khanaser and "
        "Ithriya on 23 OCT. These gains blocked the route used by the Syrian regime to deploy "
        "reinforcements to Aleppo from Hama and Homs Provinces.",
        title="The Fight for Aleppo: October 21-28, 2015",
    )
    line = f.supply_lines[0]
    assert set(line.endpoints) == {"place/khanaser", "place/ithriya"}
    seizure, blockade = f.events
    assert (seizure.type, seizure.location, seizure.affects) == (
        "Seizure",
        "place/khanaser",
        line.key,
    )
    assert (blockade.type, blockade.agent, str(blockade.start)) == (
        "Blockade",
        "actor/isis",
        "2015-10-23",
    )
    assert not any(e.type == "Deployment" for e in f.events)


def test_civilian_casualties_with_fatalities_and_claim():
    f = facts_of(
        "Local sources reported that Russian airstrikes targeted Albu Kamal on November 5, "
        "claiming that the strikes killed over 50 civilians."
    )
    cc = next(e for e in f.events if e.type == "CivilianCasualties")
    assert (cc.agent, cc.target, cc.location, cc.fatalities, cc.certainty) == (
        "actor/russia",
        "actor/civilians",
        "place/albu-kamal",
        50,
        "Claimed",
    )
    strike = next(e for e in f.events if e.type == "Airstrike")
    assert strike.certainty == "Reported"


@pytest.mark.parametrize(
    ("sentence", "certainty"),
    [
        ("ISIS reportedly seized the village of Tal Sousin on November 2.", "Reported"),
        ("Activists said regime forces shelled Douma on November 3.", "Reported"),
        ("ISIS likely seized the town of Mheen on November 1.", "Assessed"),
        ("ISIS claimed that its fighters captured the town of Mheen.", "Claimed"),
        ("Regime forces captured the town of Mheen on November 1.", "Confirmed"),
    ],
)
def test_certainty(sentence, certainty):
    assert [e.certainty for e in facts_of(sentence).events] == [certainty]


def test_unknown_name_in_a_place_slot_becomes_an_unresolved_place():
    f = facts_of("Rebels seized the village of Zzyzxabad north of Hama on November 4.")
    assert "place/zzyzxabad" in f.mentions
    assert any(e.unresolved for e in f.new_entities)


def test_transliteration_variants_resolve_to_one_place():
    a = facts_of("Regime forces advanced near Deir Ezzor on November 2.").mentions
    b = facts_of("Regime forces advanced near Dayr az-Zawr on November 2.").mentions
    c = facts_of("Regime forces advanced near Deir ez-Zor on November 2.").mentions
    assert a == b == c


def test_participle_clause_adds_casualties_to_its_head_event():
    f = facts_of(
        "According to Amaq, four ISIS suicide attackers struck a wedding party in Ain al-Tamr "
        "on August 28, killing at least 15 people.",
        title="Iraq Situation Report: August 23 - 29, 2016",
    )
    cc = next(e for e in f.events if e.type == "CivilianCasualties")
    assert (cc.location, str(cc.start), cc.fatalities) == ("place/ain-al-tamr", "2016-08-28", 15)


def test_coordinated_clause_shares_the_subject():
    f = facts_of(
        "ISIS launched the assault from al-Qaryatayn on November 1, and subsequently attacked "
        "the Christian town of Sadad."
    )
    attack = next(e for e in f.events if e.location == "place/sadad")
    assert attack.agent == "actor/isis"


def test_coordinated_subject_takes_its_first_actor():
    f = facts_of("Joint ISF and PMF units had retaken Albu Shajal, west of Falluja, on June 1.")
    assert [(e.type, e.agent) for e in f.events] == [("Seizure", "actor/iraqi-security-forces")]


def test_place_or_actor_by_context():
    f = facts_of(
        "Turkey shelled YPG positions near Azaz on November 3. Wounded fighters crossed into "
        "Turkey through the Bab al-Hawa border crossing on November 4."
    )
    assert "actor/turkey" in f.mentions
    assert "place/turkey" in f.mentions


def test_unknown_villages_in_a_list_become_places():
    f = facts_of(
        "Pro-regime forces attacked rebel-held terrain around Kafr Nabudah, Lataminah, and "
        "Kafr Zita on November 7."
    )
    assert {e.location for e in f.events} >= {"place/lataminah"}
    assert len({e.location for e in f.events}) == 3


def test_broken_siege_keeps_the_besieger_and_no_date():
    f = facts_of("Syrian regime forces broke the ISIS siege of Kuweires Airbase on November 10.")
    siege = next(e for e in f.events if e.type == "Siege")
    assert (siege.agent, siege.target, siege.start) == ("actor/isis", "actor/syrian-regime", None)


def test_source_of_a_report_is_not_the_agent():
    f = facts_of(
        "Médecins Sans Frontières (MSF) reported that Russian airstrikes hit a hospital in "
        "Maarat al-Numan on November 5."
    )
    strike = next(e for e in f.events if e.type == "Airstrike")
    assert strike.agent == "actor/russia"
    assert strike.certainty == "Reported"


def test_event_nouns_named_as_background_are_not_new_events():
    assert events("Thousands of civilians fled the fighting toward Azaz on November 3.") == []
    assert events("The Russian MoD published airstrike reports on November 2.") == []


def test_same_day_refers_to_the_last_event_date():
    f = facts_of(
        "Russian warplanes struck Salma on November 3. Russian warships fired 26 cruise "
        "missiles at targets in Raqqa the same day."
    )
    assert {str(e.start) for e in f.events} == {"2015-11-03"}


@pytest.mark.parametrize(
    ("body", "event_type", "agent"),
    [
        # a subject set off from its verb by "including ...", "supported by ...", "a coalition ..."
        (
            "Pro-regime forces, including Hezbollah and the National Defense Forces, seized the "
            "village of Kinsabba on November 4.",
            "Seizure",
            "actor/syrian-regime",
        ),
        (
            "The Syrian Arab Army's 47th Brigade, supported by the National Defense Forces (NDF) "
            "and Iranian advisers, stormed the town of Morek on November 5.",
            "GroundOffensive",
            "actor/syrian-arab-army",
        ),
        (
            "Jaysh al-Fatah, a coalition led by Jabhat al-Nusra and Ahrar al-Sham, captured the "
            "town of Khan Tuman on November 6.",
            "Seizure",
            "actor/jaysh-al-fatah",
        ),
        # the first of coordinated subjects leads, also behind an acronym in brackets
        (
            "The Kurdish People's Protection Units (YPG) and allied Free Syrian Army (FSA) "
            "brigades seized the town of Tal Tamr from ISIS on November 2.",
            "Seizure",
            "actor/ypg",
        ),
        # "X-backed fighters" are the backer's proxies, never the backer itself
        (
            "Turkish-backed fighters captured the village of Dabiq on November 7.",
            "Seizure",
            "actor/rebels",
        ),
        # a claim through a channel is the claimant's own act
        (
            "ISIS claimed, via Amaq, a suicide bombing that killed 12 people in Qamishli on "
            "November 3.",
            "Attack",
            "actor/isis",
        ),
        # "the group" points at the actor the sentence has just named
        (
            "ISIS media claimed that the group had seized the town of al-Qaryatayn on November 6.",
            "Seizure",
            "actor/isis",
        ),
        # a member noun: "the first group of Russian aircraft"
        (
            "The first group of Russian Su-24 aircraft departed Hmeimim Airbase on November 8.",
            "Withdrawal",
            "actor/russia",
        ),
        # passive with an adverb between the auxiliary and the verb
        (
            "The Shi'a towns of Nubl and Zahraa are now encircled by opposition forces.",
            "Siege",
            "actor/rebels",
        ),
    ],
)
def test_agent_of_the_clause(body, event_type, agent):
    found = [e.agent for e in facts_of(body).events if e.type == event_type]
    assert found and found[0] == agent, facts_of(body).events


def test_object_of_the_main_verb_is_not_the_subject_of_its_participle():
    f = facts_of(
        "Regime forces broke the rebel siege of the town of Kuweires on November 10, severing "
        "the opposition's supply line to al-Bab."
    )
    siege = next(e for e in f.events if e.type == "Siege")
    blockade = next(e for e in f.events if e.type == "Blockade")
    assert siege.agent == "actor/rebels"
    assert blockade.agent == "actor/syrian-regime"


def test_nominal_events_take_the_agent_their_clause_gives():
    f = facts_of(
        "Palmyra was recaptured by pro-regime forces on November 7 after a three-week offensive "
        "launched from the T4 Airbase. Jaysh al-Fatah seized the Abu Duhur Airbase on November 8, "
        "ending a siege that rebels had maintained since 2012."
    )
    offensive = next(e for e in f.events if e.type == "GroundOffensive")
    siege = next(e for e in f.events if e.type == "Siege")
    assert offensive.agent == "actor/syrian-regime"
    assert siege.agent == "actor/rebels"


def test_the_fall_of_a_place_is_its_seizers_act():
    f = facts_of(
        "Jaysh al-Fatah seized Jisr al-Shughour on November 3. The fall of Jisr al-Shughour cuts "
        "the M4 highway between Latakia and Ariha."
    )
    blockade = next(e for e in f.events if e.type == "Blockade")
    assert blockade.agent == "actor/jaysh-al-fatah"


def test_a_coalition_in_general_is_not_the_us_led_coalition():
    f = facts_of(
        "A broad coalition of opposition groups launched an offensive against regime positions "
        "in Aleppo City on November 2."
    )
    assert "actor/us-led-coalition" not in f.mentions
    assert "actor/us-led-coalition" in facts_of("The coalition struck ISIS near al-Hol.").mentions


@pytest.mark.parametrize(
    "body",
    [
        "Regime reinforcements arrived in Hama to support the coming operation against Morek.",
        "The regime's supply road from Ithriya to Raqqa remains exposed to ISIS raids.",
    ],
)
def test_prospective_and_exposed_events_are_not_created(body):
    assert {e.type for e in facts_of(body).events} <= {"Deployment"}


def test_an_earlier_offensive_named_in_passing_is_not_a_new_event():
    f = facts_of(
        "Rebels attacked Atshan, the last position the regime held from its October offensive."
    )
    assert [(e.type, e.agent) for e in f.events] == [("Attack", "actor/rebels")]


def test_weapons_hit_by_strikes_are_targets_not_attacks():
    f = facts_of(
        "The US-led coalition conducted 14 airstrikes near Ramadi on November 4, hitting ISIS "
        "fighting positions, tunnels and VBIEDs."
    )
    assert [(e.type, e.agent) for e in f.events] == [("Airstrike", "actor/us-led-coalition")]


def test_storming_a_civilian_venue_is_an_attack():
    f = facts_of(
        "ISIS gunmen stormed a shopping mall in Baghdad al-Jadida on November 6.",
        title="Iraq Situation Report: November 1 - 8, 2015",
    )
    assert next((e.type, e.agent) for e in f.events) == ("Attack", "actor/isis")


def test_a_cut_named_road_is_placed_at_the_city_it_serves():
    f = facts_of(
        "Rebels seized the village of Atshan on November 2. The regime nonetheless cut the "
        "Castello Road on November 7."
    )
    blockade = next(e for e in f.events if e.type == "Blockade")
    assert (blockade.location, blockade.affects) == ("place/aleppo", "supply-line/castello-road")


def test_sites_named_with_numbers_and_nearby_items_are_places():
    f = facts_of(
        "Rebels attacked the Brigade 90 base near Jaba on November 3. ISIS seized the suburb of "
        "al-Baghaliyah and the nearby Ayyash area on November 4."
    )
    assert {"place/brigade-90-base", "place/ayyash"} <= {e.location for e in f.events}


def test_the_city_refers_to_the_last_city_not_a_nearer_town():
    f = facts_of(
        "ISIS militants attacked Kirkuk and the nearby town of Dibis on November 2. Kurdish "
        "security forces regained control of the city on November 4.",
        title="Iraq Situation Report: November 1 - 8, 2016",
    )
    seizure = next(e for e in f.events if e.type == "Seizure")
    assert seizure.location == "place/kirkuk"


def test_units_of_the_first_coordinated_actor_lead():
    f = facts_of("YPG units and Asayish police regained control of Tal Tamr on November 4.")
    assert next(e.agent for e in f.events if e.type == "Seizure") == "actor/ypg"


def test_air_support_is_placed_with_the_event_it_supports():
    f = facts_of(
        "In northern Syria, the SDF seized the Tishreen Dam from ISIS on November 6 with "
        "support from U.S.-led coalition airstrikes."
    )
    strike = next(e for e in f.events if e.type == "Airstrike")
    assert (strike.agent, strike.location) == ("actor/us-led-coalition", "place/tishreen-dam")


@pytest.mark.parametrize(
    ("second", "day"),
    [
        ("Turkish-backed fighters captured Jarablus within hours.", 4),
        ("Rebels captured Jarablus a day later.", 5),
        (
            "Rebels seized Jarablus the same day. The fall of Jarablus cuts the road between "
            "Jarablus and Manbij.",
            4,
        ),
    ],
)
def test_dates_carried_from_the_sentence_referred_to(second, day):
    f = facts_of(f"Turkey launched an offensive toward Jarablus on November 4. {second}")
    later = [e for e in f.events if e.type in ("Seizure", "Blockade")]
    assert later and later[-1].start.day == day


def test_a_toll_at_the_place_of_the_last_event_takes_its_date():
    f = facts_of(
        "ISIS seized the suburb of al-Baghaliyah on November 3. Activists reported that ISIS "
        "killed at least 40 civilians in al-Baghaliyah."
    )
    toll = next(e for e in f.events if e.type == "CivilianCasualties")
    assert (toll.location, toll.start.day) == ("place/al-baghaliyah", 3)


def test_a_toll_is_placed_at_its_cause_and_the_source_is_no_target():
    f = facts_of(
        "Three aid workers were reportedly killed in an airstrike near Aleppo City on "
        "November 3, UN officials said."
    )
    toll = next(e for e in f.events if e.type == "CivilianCasualties")
    strike = next(e for e in f.events if e.type == "Airstrike")
    assert (toll.location, toll.start.day) == ("place/aleppo", 3)
    assert strike.target is None


def test_the_following_day_is_not_a_clause_boundary():
    f = facts_of(
        "Turkish artillery shelled YPG positions near Tal Rifaat on November 3. Turkish guns "
        "struck YPG positions near Azaz again the following day."
    )
    azaz = next(e for e in f.events if e.location == "place/azaz")
    assert azaz.start.day == 4


def test_negotiators_name_their_state_and_every_place_of_a_list_counts():
    f = facts_of(
        "Iranian negotiators and Ahrar al-Sham agreed to a ceasefire in Zabadani, al-Fuah, and "
        "Kafraya on November 5."
    )
    talks = [(e.agent, e.location, e.start.day) for e in f.events if e.type == "Negotiation"]
    assert talks == [
        ("actor/iran", "place/zabadani", 5),
        ("actor/iran", "place/al-fuah", 5),
        ("actor/iran", "place/kafraya", 5),
    ]


def test_a_truce_spoken_of_is_not_a_new_negotiation():
    f = facts_of(
        "Violations of the truce continued in northern Latakia, where regime forces shelled "
        "rebel positions near Kinsabba on November 4."
    )
    assert [e.type for e in f.events] == ["Attack"]


@pytest.mark.parametrize(
    ("body", "place"),
    [
        (
            "Jaysh al-Fatah seized the Abu al-Duhur Military Airbase on November 4.",
            "place/abu-al-duhur-airbase",
        ),
        (
            "ISIS shelled the Kuweires Military Airport on November 4.",
            "place/kuweires-airbase",
        ),
        ("PMF units seized the Tal Afar Airbase on November 4.", "place/tal-afar-airbase"),
        ("Regime forces seized the Palmyra Citadel on November 4.", "place/palmyra-citadel"),
    ],
)
def test_sites_by_any_synonym_and_sites_named_after_towns(body, place):
    assert place in {e.location for e in facts_of(body).events}


def test_a_second_coordinated_agent_is_not_the_target():
    f = facts_of("Russian warplanes and the US-led coalition struck ISIS in al-Bab on November 2.")
    strike = next(e for e in f.events if e.type == "Airstrike")
    assert (strike.agent, strike.target) == ("actor/russia", "actor/isis")


def test_a_road_named_after_a_place_and_events_on_named_roads_are_placed():
    f = facts_of(
        "Rebels seized the Ramouseh road on November 5. Regime forces cut the M5 "
        "(Damascus - Daraa) highway on November 6."
    )
    assert "supply-line/to-ramouseh" in {line.key for line in f.supply_lines}
    cut = next(e for e in f.events if e.type == "Blockade")
    assert cut.location == "place/damascus"


@pytest.mark.parametrize(
    ("body", "agent"),
    [
        (
            "The Kurdish YPG and its Arab partner Jaysh al-Thuwar seized Menagh Airbase on November 4.",
            "actor/ypg",
        ),
        (
            "Jabhat al-Nusra and the ISIS-affiliated Liwa Shuhada al-Yarmouk clashed near Tasil on November 4.",
            "actor/jabhat-al-nusra",
        ),
    ],
)
def test_partners_and_affiliates_follow_the_first_actor(body, agent):
    assert facts_of(body).events[0].agent == agent


def test_supply_lines_linking_from_and_stretches_of_named_routes():
    f = facts_of(
        "Regime forces cut the road linking rebel-held Nawa to Sheikh Maskin on November 1. ISIS "
        "cut the Ithriya - Khanaser road on November 2. Regime forces shelled the road from Douma "
        "to the southern front on November 3. ISIS attacked the highway from Baghdad to the "
        "Jordanian border on November 4."
    )
    lines = {line.key: line.endpoints for line in f.supply_lines}
    assert lines["supply-line/nawa--sheikh-maskeen"] == ("place/nawa", "place/sheikh-maskeen")
    assert lines["supply-line/ithriya--khanaser"] == ("place/ithriya", "place/khanaser")
    assert "supply-line/ithriya-khanaser-road" in lines  # the whole route, too
    assert lines["supply-line/from-douma"] == ("place/douma",)
    assert lines["supply-line/baghdad--jordan"] == ("place/baghdad", "place/jordan")


def test_a_parenthetical_including_does_not_cut_the_clause_from_its_place():
    f = facts_of(
        "ISIS militants reportedly executed 26 civilians, including women and children, in the "
        "village of Kinsabba on November 6."
    )
    toll = next(e for e in f.events if e.type == "CivilianCasualties")
    assert (toll.agent, toll.location, toll.fatalities) == ("actor/isis", "place/kinsabba", 26)


def test_villages_close_to_an_actor_name_are_still_places():
    f = facts_of(
        "Opposition fighters overran the towns of Halfaya, al-Buwaydah and al-Masasnah on November 2."
    )
    assert [e.location for e in f.events] == [
        "place/halfaya",
        "place/al-buwaydah",
        "place/al-masasnah",
    ]


def test_fell_back_is_a_withdrawal_and_suicide_attackers_make_an_attack():
    f = facts_of(
        "Regime forces fell back to the town of Ariha on November 2. Eight suicide attackers "
        "assaulted the perimeter of the Kuweires Airbase on November 3."
    )
    assert [(e.type, e.location) for e in f.events] == [
        ("Withdrawal", "place/ariha"),
        ("Attack", "place/kuweires-airbase"),
    ]


def test_lists_of_things_deployed_do_not_cut_the_clause():
    f = facts_of(
        "Russia continued to deploy combat aircraft, T-90 tanks, and naval infantry to Hmeimim "
        "Airbase near Jableh on November 4."
    )
    assert [(e.type, e.agent, e.location) for e in f.events] == [
        ("Deployment", "actor/russia", "place/hmeimim-airbase")
    ]


def test_a_participle_toll_takes_the_place_of_the_placed_head_event():
    f = facts_of(
        "ISIS suicide attackers stormed a power plant in Dibis on November 3, killing 12 workers.",
        title="Iraq Situation Report: November 1 - 8, 2016",
    )
    toll = next(e for e in f.events if e.type == "CivilianCasualties")
    assert (toll.location, toll.fatalities) == ("place/dibis", 12)


def test_a_relative_clause_event_takes_the_place_it_hangs_from():
    f = facts_of(
        "The 15th Division advanced north from Qayyarah, which was recaptured by the ISF on "
        "November 2.",
        title="Iraq Situation Report: November 1 - 8, 2016",
    )
    seizure = next(e for e in f.events if e.type == "Seizure")
    assert (seizure.agent, seizure.location) == ("actor/iraqi-security-forces", "place/qayyarah")


@pytest.mark.parametrize(
    ("body", "agent"),
    [
        (
            "Syrian Arab Army units, Hezbollah, and IRGC-backed Afghan militias led the final "
            "assault on Palmyra on November 4.",
            "actor/syrian-arab-army",
        ),
        (
            "Dozens of ISIS fighters, many wearing suicide vests, attacked the police headquarters "
            "in Kirkuk on November 5.",
            "actor/isis",
        ),
        (
            "ISIS continues to besiege Haditha, and militants reportedly shelled the Haditha Dam "
            "area on November 6.",
            "actor/isis",
        ),
    ],
)
def test_subjects_of_long_lists_quantities_and_bare_militants(body, agent):
    assert facts_of(body).events[-1].agent == agent


def test_numbered_formations_and_tribes_are_actors_unless_an_army_is_named():
    f = facts_of(
        "The 9th Division advanced on Nimrud on November 3. ISIS besieged the Jughayfa tribe in "
        "Haditha on November 4. The Syrian Arab Army's 15th Brigade stormed Morek on November 5.",
        title="Iraq Situation Report: November 1 - 8, 2016",
    )
    assert [e.agent for e in f.events] == [
        "actor/9th-division",
        "actor/isis",
        "actor/syrian-arab-army",
    ]
    assert "actor/jughayfa-tribe" in f.mentions


@pytest.mark.parametrize(
    "body",
    [
        "Sunni politicians accused militia units of abusing men who fled Saqlawiyah.",
        "The deal reportedly provides for the evacuation of wounded fighters from Zabadani.",
        "ISIS exploited the strikes to seize the hills overlooking Deir ez-Zour the same day.",
    ],
)
def test_fleeing_civilians_planned_evacuations_and_strikes_exploited_are_no_events(body):
    kinds = {e.type for e in facts_of(body).events}
    assert not kinds & {"Withdrawal", "Airstrike"}


def test_an_aside_between_subject_and_verb_keeps_the_subject():
    f = facts_of(
        "Turkey, which opposes a PMF role in Tal Afar, deployed tanks to Kilis on November 1.",
        title="Iraq Situation Report: November 1 - 8, 2016",
    )
    deployment = next(e for e in f.events if e.type == "Deployment")
    assert (deployment.agent, deployment.location) == ("actor/turkey", "place/kilis")


def test_strikes_hitting_a_list_of_towns_and_strikes_on_unknown_villages():
    f = facts_of(
        "According to local activists, Russian airstrikes intensified between 20 and 25 November, "
        "hitting Sheikh Maskin, Nawa and Jasim. Turkish airstrikes on Jeb el-Kussa and "
        "al-Amarneh on November 28 killed at least 35 civilians, according to the Syrian "
        "Observatory for Human Rights."
    )
    strikes = [(e.agent, e.location) for e in f.events if e.type == "Airstrike"]
    assert strikes == [
        ("actor/russia", "place/sheikh-maskeen"),
        ("actor/russia", "place/nawa"),
        ("actor/russia", "place/jasim"),
        ("actor/turkey", "place/jeb-el-kussa"),
        ("actor/turkey", "place/al-amarneh"),
    ]
    tolls = [e for e in f.events if e.type == "CivilianCasualties"]
    assert [(e.location, e.fatalities, e.certainty) for e in tolls] == [
        ("place/jeb-el-kussa", 35, "Reported"),
        ("place/al-amarneh", 35, "Reported"),
    ]


def test_within_striking_distance_is_no_attack():
    f = facts_of("These gains bring the regime within striking distance of the Turkish border.")
    assert f.events == []


@pytest.mark.parametrize(
    ("body", "event_type", "agent"),
    [
        (
            "According to the Syrian Observatory for Human Rights (SOHR), Islamic State fighters "
            "withdrew from al-Qaryatayn on November 3.",
            "Withdrawal",
            "actor/isis",
        ),
        (
            'Jund al-Aqsa claimed that it had taken Souran "completely," and rebels reportedly '
            "seized Taybat al-Imam on November 5.",
            "Seizure",
            "actor/rebels",
        ),
        (
            "Iraqi Counter-Terrorism Service (CTS) units shelled ISIS positions near Bartella "
            "before dawn on November 6 and pushed west toward Gogjali.",
            "GroundOffensive",
            "actor/counter-terrorism-service",
        ),
        (
            "Turkish artillery and US-led coalition warplanes struck ISIS positions around "
            "Jarablus on November 7.",
            "Airstrike",
            "actor/us-led-coalition",
        ),
        (
            "Government aircraft struck Douma and Harasta on November 2.",
            "Airstrike",
            "actor/syrian-regime",
        ),
    ],
)
def test_agents_behind_sources_quotes_coordinated_verbs_platforms_and_governments(
    body, event_type, agent
):
    assert [e.agent for e in facts_of(body).events if e.type == event_type][-1] == agent


def test_names_with_unhyphenated_articles():
    f = facts_of("The Army of Conquest (Jaish al Fatah) seized Jisr al Shughour on November 3.")
    assert [(e.agent, e.location) for e in f.events] == [
        ("actor/jaysh-al-fatah", "place/jisr-al-shughour")
    ]


def test_wire_dispatch_dated_by_its_dateline_with_weekdays_and_numeric_dates():
    f = facts_of(
        "BAGHDAD, Dec 28, 2015 - Iraqi troops recaptured the government complex in Ramadi on "
        "Sunday. Regime warplanes struck the market of Douma on 16/08/2015.",
        title="Iraqi forces raise flag over Ramadi government complex",
    )
    assert f.report.period is not None and f.report.period.start.isoformat() == "2015-12-28"
    dates = {e.location: e.start.isoformat() for e in f.events}
    assert dates == {"place/ramadi": "2015-12-27", "place/douma": "2015-08-16"}


def test_government_forces_are_those_of_the_country_reported_on():
    iraq = facts_of(
        "Government forces seized the government complex in Fallujah on 17 June.",
        title="Iraq Conflict Monitor: Week of 20-26 June 2016",
    )
    syria = facts_of(
        "Government forces seized the town of Kinsabba on 17 June.",
        title="Syria Update: 20-26 June 2016",
    )
    assert [e.agent for e in iraq.events] == ["actor/iraqi-security-forces"]
    assert [e.agent for e in syria.events] == ["actor/syrian-regime"]


def test_strike_summaries_name_strikes_not_clashes():
    f = facts_of(
        "Near Qayyarah, three strikes engaged an ISIL tactical unit and destroyed two ISIL "
        "fighting positions. The following day, Jaish al-Islam fighters shelled the Damascus "
        "neighbourhoods of al-Abbasiyyin and al-Adawi with mortar rounds.",
        title="Military Strikes Continue Against ISIL: November 2, 2015",
    )
    kinds = [(e.type, e.location) for e in f.events]
    assert ("Airstrike", "place/qayyarah") in kinds
    assert not [k for k in kinds if k[0] == "Clash"]
    assert {"place/al-abbasiyyin", "place/al-adawi"} <= {loc for _, loc in kinds}


def test_a_strike_summary_reports_on_its_lead_day():
    f = facts_of(
        "SOUTHWEST ASIA, March 21, 2016 - On March 20, coalition military forces conducted six "
        "strikes using attack and fighter aircraft. Near Al Hawl, two strikes struck an ISIL "
        "tactical unit. Besides the besieged Shiite towns of al Fuah and Kafraya, little remains.",
        title="Military Strikes Continue Against ISIL Terrorists in Syria and Iraq",
    )
    strikes = {e.location: e.start.isoformat() for e in f.events if e.type == "Airstrike"}
    assert strikes["place/al-hawl"] == "2016-03-20"
    assert not [e for e in f.events if e.type == "Attack"]
    assert "place/shiite" not in f.mentions


@pytest.mark.parametrize(
    ("body", "agent"),
    [
        (
            "The U.S.-led coalition said it had conducted more than 600 air strikes in and "
            "around Ramadi on November 2.",
            "actor/us-led-coalition",
        ),
        (
            "The Iraqi Security Forces (ISF), the Popular Mobilisation Units (PMU) and Sunni "
            "tribal fighters encircled Fallujah on November 3.",
            "actor/iraqi-security-forces",
        ),
    ],
)
def test_own_statements_and_lists_with_acronyms(body, agent):
    facts = facts_of(body, title="Iraq Situation Report: November 1 - 8, 2016")
    assert facts.events[0].agent == agent


def test_the_month_of_may_is_no_modal_and_an_undated_headline_takes_the_body_year():
    f = facts_of(
        "Jaish al Fatah overran the camp of al-Mastumah on May 19 and took Ariha on May 28, 2015.",
        title="Nusrah Front and allies drive Assad's forces out of Idlib",
    )
    assert [(e.location, e.start.isoformat()) for e in f.events if e.type == "Seizure"][-1] == (
        "place/ariha",
        "2015-05-28",
    )
    assert facts_of("Rebels may seize Ariha soon.").events == []
