using System.Globalization;

namespace Matchmaker.Matching;

/// <summary>The sentences of explanations, in one language. English for the command line, Dutch for the desks.</summary>
public abstract class ExplanationWords
{
    public static readonly ExplanationWords English = new EnglishWords();
    public static readonly ExplanationWords Dutch = new DutchWords();

    public abstract string PlacedNearest(string place, double km, int siblings, string careType);
    public abstract string PlacedFarther(string place, double km, int siblings, int nearer, string whereTheyWent);
    public abstract string SiblingWithoutPlace(int groupSize, int lacking);
    public abstract string NoPlaceForGroup(int groupSize);
    public abstract string GroupPlacesTaken(int places, int groupSize, string whereTheyWent);
    public abstract string AllTaken(int places, string whereTheyWent);
    public abstract string Full(int places);
    public abstract string ToHigherPriority(int places, IReadOnlyDictionary<int, int> byClass);
    public abstract string ToLongerWaiting(int places);
    public abstract string ToSameRank(int places);
    public abstract string ToLowerPriority(int places);
    public abstract string TooSmallForGroup(int places);
    public abstract string NoPlaceOfCareType(string careType);
    public abstract string NoneFits(int places, string careType, int ruledOut, string rule);
    public abstract string RuleBroken(Feasibility.Rule rule, Request request);
    /// <summary><paramref name="free"/>: how many of those places have a free unit now (none: looking beyond the policy cannot help today).</summary>
    public abstract string OnlyPolicyForbidden(int outsideRegion, int notContracted, double nearestKm, int free);
    public abstract string NotProposedAgain(int declined);

    // Why a place was proposed (ProposalReasons), for the provider who decides.
    public abstract string ProposedByRound();
    public abstract string ChosenByDesk();
    public abstract string FitsTheChild(IReadOnlyList<string> needs);
    public abstract string WithinMaxDistance();
    public abstract string PolicyStanding(bool inRegion, bool contracted);
    public abstract string DeliberatelyBecause(bool byNetwork, string reason);

    protected static string Number(double value, string format, string decimalSeparator) =>
        value.ToString(format, CultureInfo.InvariantCulture).Replace(".", decimalSeparator);

    protected static string Count(int n, string one, string many) => $"{n} {(n == 1 ? one : many)}";

    private sealed class EnglishWords : ExplanationWords
    {
        private static string Km(double km) => Number(km, "0.0", ".") + " km";
        private static string Together(int siblings) => siblings > 0 ? $", together with {Count(siblings, "sibling", "siblings")}" : "";

        public override string PlacedNearest(string place, double km, int siblings, string careType) =>
            $"Placed at {place} ({Km(km)}){Together(siblings)}: the nearest feasible {careType} place.";
        public override string PlacedFarther(string place, double km, int siblings, int nearer, string whereTheyWent) =>
            $"Placed at {place} ({Km(km)}){Together(siblings)}. {Count(nearer, "nearer feasible place", "nearer feasible places")}: {whereTheyWent}.";
        public override string SiblingWithoutPlace(int groupSize, int lacking) =>
            $"Not placed: the {groupSize} siblings must be placed together, and {Count(lacking, "sibling has", "siblings have")} no feasible place at all.";
        public override string NoPlaceForGroup(int groupSize) =>
            $"Not placed: no feasible place has {groupSize} free units that suit all {groupSize} siblings together.";
        public override string GroupPlacesTaken(int places, int groupSize, string whereTheyWent) =>
            $"Not placed: {Count(places, "place could", "places could")} take all {groupSize} siblings together, but {whereTheyWent}.";
        public override string AllTaken(int places, string whereTheyWent) =>
            $"Not placed: {Count(places, "feasible place", "feasible places")}, all taken: {whereTheyWent}.";
        public override string Full(int places) => $"{places} already full";
        public override string ToHigherPriority(int places, IReadOnlyDictionary<int, int> byClass) =>
            $"{places} went to children with higher priority ({string.Join(", ", byClass.Select(kv => $"{PriorityPolicy.ClassName(kv.Key)}: {kv.Value}"))})";
        public override string ToLongerWaiting(int places) => $"{places} to children of the same priority who have waited longer";
        public override string ToSameRank(int places) => $"{places} to children of the same priority who have waited as long, nearer to it or with fewer alternatives";
        public override string ToLowerPriority(int places) => $"{places} to children of lower priority who had no other place, so that more children are placed";
        public override string TooSmallForGroup(int places) => $"{places} had too few free units for the sibling group";
        public override string NoPlaceOfCareType(string careType) => $"Not placed: there is no {careType} place in the market at all.";
        public override string NoneFits(int places, string careType, int ruledOut, string rule) =>
            $"Not placed: none of the {places} {careType} places fits; {ruledOut} of them {rule}.";
        public override string RuleBroken(Feasibility.Rule rule, Request request) => rule switch
        {
            Feasibility.Rule.Secure when request.NeedsSecure => "are not secure places, and the child has a court authorisation for secure care",
            Feasibility.Rule.Secure => "are secure places, and the child has no court authorisation for secure care",
            Feasibility.Rule.Age => $"do not take children aged {request.Age}",
            Feasibility.Rule.Gender => $"do not take gender '{request.Gender}'",
            Feasibility.Rule.Needs => $"lack a needed specialism ({string.Join(", ", request.Needs)})",
            Feasibility.Rule.Distance => $"are further than {Number(request.MaxDistanceKm, "0.#", ".")} km from home",
            Feasibility.Rule.Declined => "declined this child before and are not proposed again",
            Feasibility.Rule.AlreadyHeld => "already hold a unit for this child",
            _ => "do not fit",
        };
        public override string OnlyPolicyForbidden(int outsideRegion, int notContracted, double nearestKm, int free)
        {
            var parts = new List<string>();
            if (outsideRegion > 0) parts.Add($"{outsideRegion} outside the region");
            if (notContracted > 0) parts.Add($"{notContracted} not contracted by the region");
            var total = outsideRegion + notContracted;
            var now = free == 0 ? (total == 1 ? " It is full now." : " They are all full now.")
                : $" {free} of them {(free == 1 ? "has" : "have")} a free unit now.";
            return $"Not placed: only places the region's policy rules out would fit ({string.Join(", ", parts)}); the nearest is {Km(nearestKm)} away.{now}";
        }
        public override string NotProposedAgain(int declined) =>
            $" Not proposed again: {Count(declined, "place whose provider", "places whose providers")} declined this child before.";
        public override string ProposedByRound() => "The matcher proposed this place in a matching round of the desk.";
        public override string ChosenByDesk() => "The desk chose this place itself.";
        public override string FitsTheChild(IReadOnlyList<string> needs) =>
            $"Fits the child: care type, age and gender{(needs.Count == 0 ? "" : $", and the place offers what it needs ({string.Join(", ", needs)})")}.";
        public override string WithinMaxDistance() => "Within the child's maximum distance from home.";
        public override string PolicyStanding(bool inRegion, bool contracted) =>
            $"{(inRegion ? "Inside" : "Outside")} the child's region, {(contracted ? "and contracted by it" : "and not contracted by it (or its budget ceiling is reached)")}.";
        public override string DeliberatelyBecause(bool byNetwork, string reason) =>
            byNetwork ? $"The expertise network held this place on the region's behalf, because: {reason}" : $"The desk held this place outside the region's policy on purpose, because: {reason}";
    }

    private sealed class DutchWords : ExplanationWords
    {
        private static string Km(double km) => Number(km, "0.0", ",") + " km";
        private static string Together(int siblings) => siblings > 0 ? $", samen met {Count(siblings, "broer of zus", "broers en zussen")}" : "";
        private static string Class(int priority) => priority switch { 1 => "crisis", 2 => "spoed", 3 => "regulier", _ => $"voorrang {priority}" };
        private static string Care(string careType) => CareTypes.DutchName(careType).ToLowerInvariant();

        public override string PlacedNearest(string place, double km, int siblings, string careType) =>
            $"Voorgesteld ({Km(km)}){Together(siblings)}: de dichtstbijzijnde passende plek ({Care(careType)}).";
        public override string PlacedFarther(string place, double km, int siblings, int nearer, string whereTheyWent) =>
            $"Voorgesteld ({Km(km)}){Together(siblings)}. {(nearer == 1 ? "Dichterbij ligt 1 passende plek" : $"Dichterbij liggen {nearer} passende plekken")}: {whereTheyWent}.";
        public override string SiblingWithoutPlace(int groupSize, int lacking) =>
            $"Niet geplaatst: de {groupSize} broers en zussen gaan samen, en voor {(lacking == 1 ? "één van hen" : $"{lacking} van hen")} past nergens een plek.";
        public override string NoPlaceForGroup(int groupSize) =>
            $"Niet geplaatst: geen passende plek heeft {groupSize} vrije plaatsen voor alle {groupSize} broers en zussen samen.";
        public override string GroupPlacesTaken(int places, int groupSize, string whereTheyWent) =>
            $"Niet geplaatst: {Count(places, "plek kon", "plekken konden")} alle {groupSize} broers en zussen samen opnemen, maar {whereTheyWent}.";
        public override string AllTaken(int places, string whereTheyWent) =>
            $"Niet geplaatst: {Count(places, "passende plek", "passende plekken")}, allemaal bezet: {whereTheyWent}.";
        public override string Full(int places) => $"{places} al vol";
        public override string ToHigherPriority(int places, IReadOnlyDictionary<int, int> byClass) =>
            $"{places} naar kinderen met meer voorrang ({string.Join(", ", byClass.Select(kv => $"{Class(kv.Key)}: {kv.Value}"))})";
        public override string ToLongerWaiting(int places) => $"{places} naar kinderen met dezelfde voorrang die langer wachten";
        public override string ToSameRank(int places) => $"{places} naar kinderen met dezelfde voorrang en wachttijd, die dichterbij wonen of minder keus hebben";
        public override string ToLowerPriority(int places) => $"{places} naar kinderen met minder voorrang die geen andere plek hadden, zodat meer kinderen een plek krijgen";
        public override string TooSmallForGroup(int places) => $"{places} met te weinig vrije plaatsen voor de broers en zussen samen";
        public override string NoPlaceOfCareType(string careType) => $"Niet geplaatst: er is in de markt geen enkele plek {Care(careType)}.";
        public override string NoneFits(int places, string careType, int ruledOut, string rule) =>
            $"Niet geplaatst: geen van de {places} plekken {Care(careType)} past; {ruledOut} daarvan {rule}.";
        public override string RuleBroken(Feasibility.Rule rule, Request request) => rule switch
        {
            Feasibility.Rule.Secure when request.NeedsSecure => "zijn niet gesloten, en het kind heeft een machtiging gesloten jeugdhulp",
            Feasibility.Rule.Secure => "zijn gesloten plekken, en het kind heeft geen machtiging gesloten jeugdhulp",
            Feasibility.Rule.Age => $"nemen geen kinderen van {request.Age} jaar op",
            Feasibility.Rule.Gender => "nemen dit gender niet op",
            Feasibility.Rule.Needs => $"missen een nodig specialisme ({string.Join(", ", request.Needs.Select(Specialisms.DutchName))})",
            Feasibility.Rule.Distance => $"liggen verder dan {Number(request.MaxDistanceKm, "0.#", ",")} km van huis",
            Feasibility.Rule.Declined => "wezen dit kind eerder af en worden niet opnieuw voorgesteld",
            Feasibility.Rule.AlreadyHeld => "houden al een plaats voor dit kind vast",
            _ => "passen niet",
        };
        public override string OnlyPolicyForbidden(int outsideRegion, int notContracted, double nearestKm, int free)
        {
            var parts = new List<string>();
            if (outsideRegion > 0) parts.Add($"{outsideRegion} buiten de regio");
            if (notContracted > 0) parts.Add($"{notContracted} niet ingekocht door de regio");
            var total = outsideRegion + notContracted;
            var now = free == 0 ? (total == 1 ? " Die plek is nu vol." : " Die plekken zijn nu allemaal vol.")
                : $" {(free == 1 ? "1 ervan heeft" : $"{free} ervan hebben")} nu een vrije plek.";
            return $"Niet geplaatst: alleen plekken die het beleid van de regio uitsluit zouden passen ({string.Join(", ", parts)}); de dichtstbijzijnde ligt op {Km(nearestKm)}.{now}";
        }
        public override string NotProposedAgain(int declined) =>
            $" Niet opnieuw voorgesteld: {(declined == 1 ? "1 plek waar de aanbieder" : $"{declined} plekken waar de aanbieders")} dit kind eerder afwees.";
        public override string ProposedByRound() => "De matcher stelde deze plek voor in een matchingsronde van de tafel.";
        public override string ChosenByDesk() => "De tafel koos deze plek zelf.";
        public override string FitsTheChild(IReadOnlyList<string> needs) =>
            $"Past bij het kind: soort zorg, leeftijd en gender{(needs.Count == 0 ? "" : $", en de plek biedt wat het nodig heeft ({string.Join(", ", needs.Select(Specialisms.DutchName))})")}.";
        public override string WithinMaxDistance() => "Ligt binnen de maximale afstand van huis die voor het kind geldt.";
        public override string PolicyStanding(bool inRegion, bool contracted) =>
            $"Ligt {(inRegion ? "in" : "buiten")} de regio van het kind, {(contracted ? "en die regio heeft de plek ingekocht" : "en die regio heeft de plek niet ingekocht (of het budgetplafond is bereikt)")}.";
        public override string DeliberatelyBecause(bool byNetwork, string reason) =>
            byNetwork ? $"Het expertisenetwerk hield deze plek vast namens de regio, omdat: {reason}" : $"De tafel hield deze plek bewust buiten het beleid van de regio vast, omdat: {reason}";
    }
}
