using Matchmaker.Silo.Regions;
using Matchmaker.Silo.Requests;
using Matchmaker.Silo.Offerings;
using Matchmaker.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Matchmaker.Web.Pages.Desk;

/// <summary>
/// Live availability: free units per offering the region may use, with how fresh each figure is; narrowed by the
/// desk's filters, and, for a chosen waiting child, the distance from its home and a map of the places around it.
/// </summary>
public sealed class AvailabilityModel(RequestReads requests, OfferingReads offerings, RegionNames regionNames) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "zorgvorm")] public string? CareType { get; set; }
    [BindProperty(SupportsGet = true, Name = "leeftijd")] public string? Age { get; set; }
    [BindProperty(SupportsGet = true, Name = "specialisme")] public string? Specialism { get; set; }
    [BindProperty(SupportsGet = true, Name = "vrij")] public bool OnlyFree { get; set; }
    [BindProperty(SupportsGet = true, Name = "bevestigd")] public bool OnlyConfirmed { get; set; }
    [BindProperty(SupportsGet = true, Name = "kind")] public string? Child { get; set; }

    public Availability Availability { get; private set; } = null!;
    public IReadOnlyList<AvailableOffering> Shown { get; private set; } = [];
    public string RegionName { get; private set; } = "";
    public Dictionary<string, string> Problems { get; private set; } = [];
    public RequestReads.ChildHome? Chosen { get; private set; }
    public SchematicMap? Map { get; private set; }

    public async Task OnGetAsync(string? careType)
    {
        var caller = Caller.Of(HttpContext);
        var filter = new AvailabilityFilter { CareType = CareType ?? careType, Age = Age, Specialism = Specialism, OnlyFree = OnlyFree, OnlyConfirmed = OnlyConfirmed };
        Problems = filter.Problems();
        Availability = await offerings.AvailabilityAsync(caller.RegionCode!, null);
        RegionName = await regionNames.OfAsync(Availability.RegionCode);
        Shown = Problems.Count > 0 ? [] : Availability.Offerings.Where(filter.Keeps).ToList();
        if (!string.IsNullOrWhiteSpace(Child)) await ChooseChildAsync(caller);
    }

    private async Task ChooseChildAsync(Caller caller)
    {
        Chosen = await requests.HomeOfAsync(caller.ToActor(), caller.RegionCode!, Child!.Trim());
        if (Chosen is null)
        {
            Problems["kind"] = "Geen wachtend kind van de regio met dit dossiernummer.";
            return;
        }
        Map = SchematicMap.Around(Chosen.HomeLat, Chosen.HomeLon, Math.Clamp(Chosen.MaxDistanceKm * 1.25, 30, 200),
            Shown.Where(o => o.FreeUnits > 0).Select(o => (o.Lat, o.Lon, $"{o.ProviderName}, {o.LocationName}", o.FreeUnits)), await regionNames.CentresAsync());
    }

    public double? DistanceKm(AvailableOffering offering) =>
        Chosen is null ? null : Matching.Geo.DistanceKm(Chosen.HomeLat, Chosen.HomeLon, offering.Lat, offering.Lon);

    public string? Invalid(string field) => Problems.ContainsKey(field) ? "true" : null;
}
