using System.Text.RegularExpressions;
using Matchmaker.Matching;

namespace Matchmaker.Tests.Browser;

/// <summary>
/// What must not show on a Dutch page: English UI words and the codes the API uses (care types, needs, reasons,
/// statuses, measures, norms, region slugs). Matched as whole words and case-sensitively, so "autisme" is not "autism"
/// and the region name "Rijnmond" is not the slug "rijnmond". Codes that are Dutch words as well are left out.
/// </summary>
public static class UiLanguage
{
    private static readonly string[] DutchAsWell = ["gezinshuis", "lvb", "trauma", "crisis", "urgent", "open", "ots"];

    private static readonly string[] EnglishWords =
    [
        "Hold", "Holds", "hold", "holds", "desk", "Desk", "request", "Request", "requests", "provider", "Provider", "offering", "offerings",
        "Submit", "Cancel", "Save", "Error", "Not found", "Conflict", "Forbidden", "Unauthorized", "the", "The", "This", "and", "is not",
    ];

    private static readonly string[] Codes =
    [
        .. CareTypes.All, .. Specialisms.All, .. MeasureTypes.All,
        "no-capacity", "needs-not-met", "group-composition", "safety", "distance",
        "placed", "withdrawn", "declined", "expired", "released", "accepted", "active", "regular",
        "over-3-months", "over-6-weeks", "over-5-working-days", "within", "planned-end", "breakdown", "move",
        .. Silo.Demo.DemoRegions.All.Select(region => region.Code), .. Silo.Demo.DemoNetworks.All.Select(network => network.Code),
    ];

    private static readonly Regex Forbidden = new(
        @"(?<![\w-])(" + string.Join("|", EnglishWords.Concat(Codes).Except(DutchAsWell).Distinct().OrderByDescending(w => w.Length).Select(Regex.Escape)) + @")(?![\w-])",
        RegexOptions.CultureInvariant);

    /// <summary>Each forbidden word or code in <paramref name="text"/>, with a little of what surrounds it.</summary>
    public static IEnumerable<string> FoundIn(string text) =>
        Forbidden.Matches(text).Select(match =>
            $"'{match.Value}' in “…{text.Substring(Math.Max(0, match.Index - 30), Math.Min(text.Length, match.Index + match.Length + 30) - Math.Max(0, match.Index - 30)).ReplaceLineEndings(" ")}…”");
}
