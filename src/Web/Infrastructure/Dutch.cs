using System.Globalization;
using Matchmaker.Matching;

namespace Matchmaker.Web.Infrastructure;

/// <summary>The words users read: Dutch labels for the codes the system stores, and plain sentences about time and norms.</summary>
public static class Dutch
{
    /// <summary>Dutch number format (decimal comma). Built by hand: the app runs in invariant-globalisation mode, so it needs no ICU.</summary>
    public static readonly CultureInfo Culture = DutchNumbers();

    private static CultureInfo DutchNumbers()
    {
        var culture = (CultureInfo)CultureInfo.InvariantCulture.Clone();
        culture.NumberFormat.NumberDecimalSeparator = ",";
        culture.NumberFormat.NumberGroupSeparator = ".";
        return CultureInfo.ReadOnly(culture);
    }

    public static IEnumerable<(string Code, string Label)> CareTypeOptions =>
        CareTypes.All.Select(code => (code, CareTypes.DutchName(code))).OrderBy(option => option.Item2, StringComparer.Ordinal);

    public static string CareType(string code) => CareTypes.DutchName(code);

    public static string Urgency(string code) => code switch
    {
        Urgencies.Crisis => "Crisis",
        Urgencies.Urgent => "Spoed",
        Urgencies.Regular => "Regulier",
        _ => code,
    };

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

    public static string DeclineReason(string code) => code switch
    {
        "no-capacity" => "Geen plek meer",
        "needs-not-met" => "Zorgbehoefte past niet",
        "group-composition" => "Groepssamenstelling",
        "safety" => "Veiligheid",
        "distance" => "Afstand",
        "other" => "Anders",
        _ => code,
    };

    /// <summary>Why the market refused a change, for people (the API keeps the English problem title and detail).</summary>
    public static string Refusal(string title) => title switch
    {
        "Place taken" => "deze plek is niet meer vrij",
        "Place does not suit the child" => "deze plek past niet bij het kind (zorgvorm, leeftijd, gender, specialisme of afstand)",
        "Too many holds" => "dit kind heeft al het maximum aantal reserveringen dat de regio toestaat",
        "Already held" => "dit kind heeft al een reservering op deze plek",
        "Child already held" => "dit kind heeft al een reservering die op antwoord wacht",
        "Request changed" => "de broer/zus-groep van dit kind is net gewijzigd; probeer het opnieuw",
        "Request closed" => "deze aanvraag is niet meer open",
        "Hold no longer active" => "deze reservering is verlopen of al beantwoord",
        "Units are held" => "er zijn plaatsen gereserveerd voor voorstellen; het totaal moet minstens bezet plus gereserveerd zijn",
        "Not found" => "niet gevonden, of niet van u",
        _ => "de wijziging kon niet worden uitgevoerd",
    };

    public static string Gender(string code) => code switch { "f" => "meisje", "m" => "jongen", _ => "anders" };

    /// <summary>"47 dagen over de 3-maandennorm", or how many days are left.</summary>
    public static string AgainstNorm(int daysOver, int waitingDays) =>
        daysOver > 0 ? $"{daysOver} dagen over de 3-maandennorm"
        : waitingDays > 42 ? "voorbij de 6-wekennorm voor het plan, binnen 3 maanden"
        : "binnen de normen";

    public static string HoursAgo(double hours) => hours switch
    {
        < 1 => "minder dan een uur geleden",
        < 2 => "1 uur geleden",
        < 48 => $"{Math.Floor(hours):0} uur geleden",
        _ => $"{Math.Floor(hours / 24):0} dagen geleden",
    };
}
