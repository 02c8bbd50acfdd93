using Matchmaker.Silo.Figures;

namespace Matchmaker.Web.Pages.Municipality;

/// <summary>
/// "Waar is het tekort": the care types the region waits for, those with the most children past the 3-month norm
/// first, each with its waiting children minus its free places and the main reason its children were not placed in the
/// latest round. Everything is read from published cells: a hidden count stays hidden, and is never ordered or compared
/// by its value (hidden rows come last, by name; a cause is named only from shown counts).
/// </summary>
public sealed record Shortfall(string CareType, ProtectedCount OverThreeMonths, ProtectedCount Waiting, int FreeUnits, int? Gap, string? MainCause)
{
    public static IReadOnlyList<Shortfall> Of(ShortageFigures figures)
    {
        var rows = figures.ByCareType
            .Where(r => r.Waiting.Hidden || r.Waiting.Value > 0)
            .Select(r => new Shortfall(r.CareType, r.OverThreeMonths, r.Waiting, r.FreeUnits,
                r.Waiting.Hidden ? null : r.Waiting.Value - r.FreeUnits, MainCauseOf(figures, r.CareType)))
            .ToList();
        var byName = StringComparer.OrdinalIgnoreCase;
        return
        [
            .. rows.Where(r => !r.OverThreeMonths.Hidden).OrderByDescending(r => r.OverThreeMonths.Value)
                .ThenByDescending(r => r.Gap ?? int.MinValue).ThenBy(r => Matchmaker.Matching.CareTypes.DutchName(r.CareType), byName),
            .. rows.Where(r => r.OverThreeMonths.Hidden).OrderBy(r => Matchmaker.Matching.CareTypes.DutchName(r.CareType), byName),
        ];
    }

    /// <summary>
    /// The reason with the most children, named only when every count of the care type is shown (a hidden one might be
    /// the largest, and naming a cause must not tell) and one is larger than all others.
    /// </summary>
    private static string? MainCauseOf(ShortageFigures figures, string careType)
    {
        if (!figures.UnplacedReasonsByCareType.TryGetValue(careType, out var byReason) || byReason.Values.Any(c => c.Hidden)) return null;
        var shown = byReason.Where(r => r.Value.Value > 0).OrderByDescending(r => r.Value.Value).ToList();
        return shown.Count == 0 || (shown.Count > 1 && shown[0].Value.Value == shown[1].Value.Value) ? null : shown[0].Key;
    }
}
