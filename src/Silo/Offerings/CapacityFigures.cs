namespace Matchmaker.Silo.Offerings;

/// <summary>
/// What an offering's figures may be, whoever sends them (the API, the feed, the provider's page, a spreadsheet): the
/// owner refuses anything else, so no count the product cannot add up is ever stored.
/// </summary>
public static class CapacityFigures
{
    /// <summary>More units than any place in youth care has; a typo or an attack, never a real figure.</summary>
    public const int MaxUnits = 10_000;

    /// <summary>The figures' problems per field (English, as the API shows them), or null when they will do.</summary>
    public static Dictionary<string, string[]>? Problems(int totalUnits, int occupiedUnits, DateOnly? earliestStart, DateOnly today)
    {
        var problems = new Dictionary<string, string[]>();
        if (totalUnits < 0) problems["totalUnits"] = ["totalUnits cannot be negative."];
        else if (totalUnits > MaxUnits) problems["totalUnits"] = [$"totalUnits is implausibly large (more than {MaxUnits:N0})."];
        if (occupiedUnits < 0) problems["occupiedUnits"] = ["occupiedUnits cannot be negative."];
        else if (occupiedUnits > totalUnits && totalUnits >= 0) problems["occupiedUnits"] = ["occupiedUnits cannot be above totalUnits."];
        if (earliestStart is { } start && (start < today.AddYears(-1) || start > today.AddYears(2)))
            problems["earliestStart"] = [$"earliestStart lies between {today.AddYears(-1):yyyy-MM-dd} and {today.AddYears(2):yyyy-MM-dd}."];
        return problems.Count == 0 ? null : problems;
    }
}
