using System.Globalization;
using Matchmaker.Matching;
using Matchmaker.Silo.Market;
using Matchmaker.Silo.Requests;

namespace Matchmaker.Web.Infrastructure;

/// <summary>The words users read: Dutch labels for the codes the system stores, and plain sentences about time and norms.</summary>
public static class Dutch
{
    /// <summary>Dutch number format (decimal comma); see <see cref="DutchWords.Culture"/>.</summary>
    public static readonly CultureInfo Culture = DutchWords.Culture;

    public static IEnumerable<(string Code, string Label)> CareTypeOptions =>
        CareTypes.All.Select(code => (code, CareTypes.DutchName(code))).OrderBy(option => option.Item2, StringComparer.Ordinal);

    public static string CareType(string code) => CareTypes.DutchName(code);

    private static readonly string[] Months = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"];

    /// <summary>"3 december 2026" (written out by hand: the app runs without ICU, so no culture knows Dutch month names).</summary>
    public static string LongDate(DateOnly day) => $"{day.Day} {Months[day.Month - 1]} {day.Year}";

    public static string Urgency(string code) => DutchWords.Urgency(code);

    public static string Priority(int priority) => priority switch { 1 => "1 (crisis)", 2 => "2 (spoed)", _ => "3 (regulier)" };

    public static string MeasureType(string code) => code switch
    {
        MeasureTypes.Supervision => "Ondertoezichtstelling (OTS)",
        MeasureTypes.ProvisionalSupervision => "Voorlopige OTS",
        MeasureTypes.Guardianship => "Voogdij",
        MeasureTypes.JuvenileProbation => "Jeugdreclassering",
        MeasureTypes.OutOfHomePlacement => "Machtiging uithuisplaatsing",
        MeasureTypes.SecureCareAuthorisation => "Machtiging gesloten jeugdhulp",
        _ => code,
    };

    /// <summary>How long a child has waited since it was registered: "wacht 23 dagen", "wacht 1 dag", "wacht sinds vandaag".</summary>
    public static string Waited(int days) => days switch { <= 0 => "wacht sinds vandaag", 1 => "wacht 1 dag", _ => $"wacht {days} dagen" };

    public static string Status(string code) => code switch
    {
        "open" => "Wacht",
        "placed" => "Geplaatst",
        "withdrawn" => "Ingetrokken",
        "active" => "Loopt",
        "accepted" => "Geaccepteerd",
        "declined" => "Afgewezen",
        "expired" => "Verlopen",
        "released" => "Vrijgegeven",
        _ => code,
    };

    public static string Reason(string code) => code switch
    {
        ReasonCodes.NoFeasiblePlace => "Geen passende plek in de markt",
        ReasonCodes.CapacityTaken => "Passende plekken vol of naar kinderen met voorrang",
        ReasonCodes.SiblingGroup => "Broers en zussen niet samen te plaatsen",
        ReasonCodes.Policy => "Alleen plekken buiten de regio of niet ingekocht",
        "declined" => "Afgewezen door aanbieder",
        _ => code,
    };

    public static string DeclineReason(string code) => DutchWords.DeclineReason(code);

    /// <summary>Why the engine refused a change, for people: one fragment per rule code (the API keeps the English detail).</summary>
    public static string Refusal(RuleCode code) => code switch
    {
        RuleCode.PlaceTaken => "deze plek is niet meer vrij",
        RuleCode.PlaceUnsuitable => "deze plek past niet bij het kind (zorgvorm, leeftijd, gender, specialisme of afstand)",
        RuleCode.TooManyHolds => "dit kind heeft al het maximum aantal reserveringen dat de regio toestaat",
        RuleCode.AlreadyHeldHere => "dit kind heeft al een reservering op deze plek",
        RuleCode.ParallelHoldNeedsConfirmation => "dit kind heeft al een reservering die op antwoord wacht",
        RuleCode.OutsidePolicyNeedsReason => "deze plek valt buiten het beleid van de regio; geef een reden en bevestig",
        RuleCode.OnBehalfNeedsReason => "een reservering namens de regio vraagt een reden",
        RuleCode.RequestChanged => "de aanvraag of de broer/zus-groep van dit kind is net gewijzigd; probeer het opnieuw",
        RuleCode.RequestClosed or RuleCode.RequestNotOpen => "deze aanvraag is niet meer open",
        RuleCode.HoldNotActive => "deze reservering is verlopen of al beantwoord",
        RuleCode.UnitsHeld => "er zijn plaatsen gereserveerd voor voorstellen; het totaal moet minstens bezet plus gereserveerd zijn",
        RuleCode.UnitsOutOfRange => "totaal is een heel getal van 0 tot 10.000 en bezet ligt tussen 0 en het totaal",
        RuleCode.NoUnitToStep => "er is geen plek om vrij te geven of te bezetten",
        RuleCode.StartBeforeMeasure => "een plaatsing kan niet beginnen vóór de maatregel van het kind",
        RuleCode.SiblingsHeld => "een broer of zus heeft nog een reservering voor de groep; wacht op het antwoord of geef die eerst vrij",
        RuleCode.AlreadyEscalated => "dit kind is al bovenregionaal geëscaleerd",
        RuleCode.NoExpertiseNetwork => "de regio hoort (nog) bij geen expertisenetwerk; de beheerder wijst er een toe",
        RuleCode.CaseReferenceTaken => "dit dossiernummer is al in gebruik",
        RuleCode.MunicipalityOutsideRegion => "deze gemeente hoort niet bij de regio van de aanvraag",
        RuleCode.HomePc4OutsideMunicipality => "dit postcodegebied ligt niet in of bij de gekozen gemeente; controleer de postcode en de gemeente",
        RuleCode.SheetPlanStale => "sinds de controle is er iets veranderd aan uw plekken",
        RuleCode.RequestEditedMeanwhile => "iemand anders heeft deze aanvraag gewijzigd nadat u haar opende; open de aanvraag opnieuw en voer uw wijziging nog eens in",
        RuleCode.SheetPlanUnknown => "deze controle is niet (meer) bekend; upload het bestand opnieuw",
        RuleCode.WebhookUrlNotAllowed => "dit adres is niet toegestaan: alleen https naar een openbaar adres",
        RuleCode.TooManyWebhooks => "u heeft al het maximum aantal webhooks (10); verwijder er eerst een",
        RuleCode.Busy => "het is even te druk op deze plek; probeer het zo opnieuw",
        RuleCode.NotFound => "niet gevonden, of niet van u",
        _ => "de wijziging kon niet worden uitgevoerd",
    };

    /// <summary>The sentence beside a form's field for a refusal: the field errors of invalid input, or the rule in Dutch.</summary>
    public static Dictionary<string, string[]> FieldErrors(MarketRuleException refusal, string defaultField) =>
        refusal.Code == RuleCode.InvalidInput && refusal.Errors is { } errors
            ? errors.ToDictionary(e => e.Key, e => e.Value)
            : new Dictionary<string, string[]> { [refusal.Field ?? defaultField] = [Sentence(Refusal(refusal.Code))] };

    /// <summary>A fragment as a sentence of its own: capital first, full stop last.</summary>
    public static string Sentence(string fragment) => string.Concat(char.ToUpperInvariant(fragment[0]).ToString(), fragment[1..], ".");

    public static string WithdrawReason(string code) => DutchWords.WithdrawReason(code);

    public static string PlacementEndReason(string? code) => DutchWords.PlacementEndReason(code);

    public static string Gender(string code) => code switch { "f" => "meisje", "m" => "jongen", _ => "anders" };

    /// <summary>The last norm a waiting child passed (see <see cref="WaitingNorms"/>), as a filter's label.</summary>
    public static string Norm(string code) => code switch
    {
        "over-3-months" => "Over de hulpnorm (3 maanden)",
        "over-6-weeks" => "Over de plannorm (6 weken)",
        "over-5-working-days" => "Over de contactnorm (5 werkdagen)",
        _ => "Binnen de normen",
    };

    /// <summary>The board's badge: "47 dagen over de 3-maandennorm", or the last norm passed.</summary>
    public static string AgainstNorms(string code, int daysOverThreeMonths) => code switch
    {
        "over-3-months" => $"{daysOverThreeMonths} dagen over de 3-maandennorm",
        "over-6-weeks" => "over de 6-wekennorm (plan)",
        "over-5-working-days" => "over de 5-werkdagennorm (contact)",
        _ => "binnen de normen",
    };

    public static string PriorityRaised(string why) => why switch
    {
        "provisional-supervision" => "verhoogd: voorlopige OTS is minstens spoed",
        "over-3-months" => "verhoogd: langer dan 3 maanden wachtend",
        _ => "verhoogd",
    };

    public static string HoursAgo(double hours) => hours switch
    {
        < 1 => "minder dan een uur geleden",
        < 2 => "1 uur geleden",
        < 48 => $"{Math.Floor(hours):0} uur geleden",
        _ => $"{Math.Floor(hours / 24):0} dagen geleden",
    };
}
