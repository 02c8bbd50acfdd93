using System.Globalization;
using Matchmaker.Silo.Requests;

namespace Matchmaker.Silo.Market;

/// <summary>
/// The Dutch words for the codes the engine stores, where the engine itself writes for people (a child's timeline, as
/// the matcher writes its explanations): one home for each word, which the pages use too.
/// </summary>
public static class DutchWords
{
    /// <summary>Dutch number format (decimal comma) and month and day names. Built by hand: the app runs in invariant-globalisation mode, so it needs no ICU.</summary>
    public static readonly CultureInfo Culture = DutchNumbers();

    private static CultureInfo DutchNumbers()
    {
        var culture = (CultureInfo)CultureInfo.InvariantCulture.Clone();
        culture.NumberFormat.NumberDecimalSeparator = ",";
        culture.NumberFormat.NumberGroupSeparator = ".";
        // The process runs without ICU (invariant globalization), so "MMMM" would otherwise print English month names.
        string[] months = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december", ""];
        culture.DateTimeFormat.MonthNames = months;
        culture.DateTimeFormat.MonthGenitiveNames = months;
        string[] shortMonths = ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec", ""];
        culture.DateTimeFormat.AbbreviatedMonthNames = shortMonths;
        culture.DateTimeFormat.AbbreviatedMonthGenitiveNames = shortMonths;
        culture.DateTimeFormat.DayNames = ["zondag", "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag"];
        culture.DateTimeFormat.AbbreviatedDayNames = ["zo", "ma", "di", "wo", "do", "vr", "za"];
        return CultureInfo.ReadOnly(culture);
    }

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

    public static string PlacementEndReason(string? code) => code switch
    {
        "planned-end" => "gepland einde",
        "breakdown" => "voortijdig afgebroken",
        "move" => "overgeplaatst",
        _ => "reden onbekend",
    };

    public static string Urgency(string code) => code switch
    {
        Matching.Urgencies.Crisis => "Crisis",
        Matching.Urgencies.Urgent => "Spoed",
        Matching.Urgencies.Regular => "Regulier",
        _ => code,
    };

    public static string WithdrawReason(string code) => code switch
    {
        WithdrawalReasons.NoLongerNeeded => "Hulp niet meer nodig",
        WithdrawalReasons.PlacedElsewhere => "Buiten Matchmaker geplaatst",
        WithdrawalReasons.MeasureEnded => "Maatregel beëindigd of niet uitgesproken",
        WithdrawalReasons.Duplicate => "Dubbel geregistreerd",
        _ => "Andere reden",
    };
}
