using System.Globalization;
using Matchmaker.Silo.Requests;

namespace Matchmaker.Silo.Market;

/// <summary>
/// The Dutch words for the codes the engine stores, where the engine itself writes for people (a child's timeline, as
/// the matcher writes its explanations): one home for each word, which the pages use too.
/// </summary>
public static class DutchWords
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
