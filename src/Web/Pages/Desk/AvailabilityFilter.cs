using Matchmaker.Matching;
using Matchmaker.Silo.Offerings;

namespace Matchmaker.Web.Pages.Desk;

/// <summary>
/// What the desk narrows the availability to: care type, a child's age, a specialism, only free places, only figures
/// confirmed recently. Read from the query string (Dutch names), checked with Dutch messages, applied in memory.
/// </summary>
public sealed class AvailabilityFilter
{
    public string? CareType { get; init; }
    public string? Age { get; init; }
    public string? Specialism { get; init; }
    public bool OnlyFree { get; init; }
    public bool OnlyConfirmed { get; init; }

    public int? AgeYears => int.TryParse(Age, out var years) ? years : null;

    /// <summary>Every problem at once, by the field's id.</summary>
    public Dictionary<string, string> Problems()
    {
        var problems = new Dictionary<string, string>();
        if (!string.IsNullOrEmpty(CareType) && !CareTypes.All.Contains(CareType)) problems["zorgvorm"] = "Kies een zorgvorm uit de lijst.";
        if (!string.IsNullOrWhiteSpace(Age) && AgeYears is not (>= 0 and <= 23)) problems["leeftijd"] = "De leeftijd is een getal van 0 tot en met 23.";
        if (!string.IsNullOrEmpty(Specialism) && !Specialisms.All.Contains(Specialism)) problems["specialisme"] = "Kies een specialisme uit de lijst.";
        return problems;
    }

    public bool Keeps(AvailableOffering offering) =>
        (string.IsNullOrEmpty(CareType) || offering.CareType == CareType)
        && (AgeYears is not { } age || (offering.MinAge <= age && age <= offering.MaxAge))
        && (string.IsNullOrEmpty(Specialism) || offering.Specialisms.Split(',').Contains(Specialism))
        && (!OnlyFree || offering.FreeUnits > 0)
        && (!OnlyConfirmed || !offering.Stale);
}
