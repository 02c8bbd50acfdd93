using Dapper;
using Matchmaker.Matching;
using Matchmaker.Silo.Data;
using Matchmaker.Silo.Market;
using Matchmaker.Web.Api;
using Matchmaker.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Matchmaker.Web.Pages.Provider;

/// <summary>Incoming proposals (holds) with what the provider needs to decide, and no identity: accept with a start date, or decline with a reason.</summary>
public sealed class ProposalsModel(Database database, OfferingCapacity capacity, TimeProvider clock) : PageModel
{
    public sealed class Proposal
    {
        public Guid HoldId { get; init; }
        public string LocationName { get; init; } = "";
        public string CareType { get; init; } = "";
        public string Urgency { get; init; } = "";
        public string Needs { get; init; } = "";
        public DateOnly BirthMonth { get; init; }
        public string Gender { get; init; } = "";
        public double HomeLat { get; init; }
        public double HomeLon { get; init; }
        public double LocationLat { get; init; }
        public double LocationLon { get; init; }
        public string? SiblingGroup { get; init; }
        public DateTimeOffset ExpiresAt { get; init; }
        public string ChildWishes { get; init; } = "";
        public string ParentWishes { get; init; } = "";

        public int AgeOn(DateOnly day) => day.Year - BirthMonth.Year - (day.Month < BirthMonth.Month ? 1 : 0);
        public double DistanceKm => Geo.DistanceKm(HomeLat, HomeLon, LocationLat, LocationLon);
    }

    public IReadOnlyList<Proposal> Proposals { get; private set; } = [];
    public string? Error { get; private set; }
    public DateOnly Today => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    public async Task OnGetAsync() => await LoadAsync();

    public async Task<IActionResult> OnPostAcceptAsync(Guid holdId, DateOnly? startDate)
    {
        if (startDate is null) return await FailAsync("Vul een startdatum in.");
        try
        {
            await capacity.AcceptAsync(Caller.Of(HttpContext).ToActor(), holdId, startDate.Value);
            TempData["Message"] = $"Geaccepteerd: het kind start op {startDate:dd-MM-yyyy}.";
            return Redirect("/aanbieder/voorstellen");
        }
        catch (MarketRuleException e)
        {
            return await FailAsync(e.Status == 404 ? "Dit voorstel bestaat niet (meer)." : "Dit voorstel is verlopen of al beantwoord.");
        }
    }

    public async Task<IActionResult> OnPostDeclineAsync(Guid holdId, string? reason, string? note)
    {
        if (reason is null || !HoldsApi.DeclineReasons.Contains(reason)) return await FailAsync("Kies een reden om af te wijzen.");
        if (reason == "other" && string.IsNullOrWhiteSpace(note)) return await FailAsync("Licht de reden 'Anders' toe.");
        try
        {
            await capacity.DeclineAsync(Caller.Of(HttpContext).ToActor(), holdId, reason, note);
            TempData["Message"] = "Afgewezen; de plek is weer vrij.";
            return Redirect("/aanbieder/voorstellen");
        }
        catch (MarketRuleException e)
        {
            return await FailAsync(e.Status == 404 ? "Dit voorstel bestaat niet (meer)." : "Dit voorstel is verlopen of al beantwoord.");
        }
    }

    private async Task<IActionResult> FailAsync(string message)
    {
        Error = message;
        await LoadAsync();
        return Page();
    }

    private async Task LoadAsync()
    {
        await using var connection = await database.OpenAsync();
        Proposals = (await connection.QueryAsync<Proposal>("""
            SELECT h.id AS HoldId, l.name AS LocationName, r.care_type AS CareType, r.urgency AS Urgency, r.needs AS Needs,
                   r.birth_month AS BirthMonth, r.gender AS Gender, r.home_lat AS HomeLat, r.home_lon AS HomeLon,
                   l.lat AS LocationLat, l.lon AS LocationLon, h.sibling_group AS SiblingGroup, h.expires_at AS ExpiresAt,
                   r.child_wishes AS ChildWishes, r.parent_wishes AS ParentWishes
            FROM holds h
            JOIN requests r ON r.id = h.request_id
            JOIN offerings o ON o.id = h.offering_id
            JOIN locations l ON l.id = o.location_id
            WHERE o.provider_id = @providerId AND h.status = 'active'
            ORDER BY h.expires_at, h.id
            """, new { providerId = Caller.Of(HttpContext).OrganisationId })).ToList();
    }
}
