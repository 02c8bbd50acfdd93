using Matchmaker.Silo.Data;
using Matchmaker.Web.Api;
using Matchmaker.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Matchmaker.Web.Pages.Desk;

/// <summary>Live availability: free units per offering the region may use, with how fresh each figure is.</summary>
public sealed class AvailabilityModel(Database database, TimeProvider clock, IConfiguration configuration, RegionNames regionNames) : PageModel
{
    public CapacityApi.Availability Availability { get; private set; } = null!;
    public string RegionName { get; private set; } = "";

    public async Task OnGetAsync(string? careType)
    {
        Availability = await CapacityApi.ReadAvailabilityAsync(database, Caller.Of(HttpContext).RegionCode!, string.IsNullOrEmpty(careType) ? null : careType,
            clock, configuration);
        RegionName = await regionNames.OfAsync(Availability.RegionCode);
    }
}
