using Dapper;
using Matchmaker.Matching;
using Matchmaker.Silo.Data;
using Matchmaker.Silo.Market;
using Matchmaker.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Matchmaker.Web.Pages.Caseworker;

/// <summary>A caseworker's own children: the requests they filed, in any region, with where each stands. Nobody else's.</summary>
public sealed class IndexModel(Database database, Journal journal, TimeProvider clock) : PageModel
{
    public sealed class OwnChild
    {
        public Guid Id { get; init; }
        public string CaseReference { get; init; } = "";
        public string RegionName { get; init; } = "";
        public string CareType { get; init; } = "";
        public string Urgency { get; init; } = "";
        public string Status { get; init; } = "";
        public DateOnly MeasureStart { get; init; }
        public DateTimeOffset RegisteredAt { get; init; }
        public DateTimeOffset? EscalatedAt { get; init; }
        public int ActiveHolds { get; init; }
        public string? PlacedWith { get; init; }
    }

    public IReadOnlyList<OwnChild> Children { get; private set; } = [];
    public DateOnly Today { get; private set; }

    public async Task OnGetAsync()
    {
        var caller = Caller.Of(HttpContext);
        Today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        await using var connection = await database.OpenAsync();
        Children = (await connection.QueryAsync<OwnChild>("""
            SELECT r.id AS Id, r.case_reference AS CaseReference, g.name AS RegionName, r.care_type AS CareType, r.urgency AS Urgency,
                   r.status AS Status, r.measure_start AS MeasureStart, r.registered_at AS RegisteredAt, r.escalated_at AS EscalatedAt,
                   (SELECT count(*) FROM holds h WHERE h.request_id = r.id AND h.status = 'active') AS ActiveHolds,
                   (SELECT p.name FROM placements pl JOIN offerings o ON o.id = pl.offering_id JOIN organisations p ON p.id = o.provider_id
                    WHERE pl.request_id = r.id AND pl.end_date IS NULL ORDER BY pl.created_at DESC LIMIT 1) AS PlacedWith
            FROM requests r JOIN regions g ON g.code = r.region_code
            WHERE r.caseworker_id = @caseworker
            ORDER BY CASE r.status WHEN 'open' THEN 0 ELSE 1 END, r.registered_at DESC, r.id
            """, new { caseworker = caller.Id })).ToList();
        if (Children.Count > 0)
            await journal.AuditAsync(connection, null, caller.ToActor(), "requests-listed", "request", null, caller.RegionCode,
                "own children: " + string.Join(",", Children.Select(c => c.CaseReference)));
    }

    /// <summary>Where the child stands, in one phrase.</summary>
    public static string Standing(OwnChild child) => child switch
    {
        { Status: "placed", PlacedWith: { } provider } => $"Geplaatst bij {provider}",
        { Status: "open", ActiveHolds: > 0 } => "Voorgesteld; wacht op antwoord van de aanbieder",
        { Status: "open", EscalatedAt: not null } => "Wacht op een plek; bovenregionaal geëscaleerd",
        { Status: "open" } => "Wacht op een plek",
        _ => Dutch.Status(child.Status),
    };

    public string Waiting(OwnChild child) => child.Status == "open"
        ? $"{PriorityPolicy.WaitingDays(child.MeasureStart, Today)} dagen; {Dutch.Norm(WaitingNorms.Code(WaitingNorms.Of(child.MeasureStart, Today))).ToLowerInvariant()}"
        : "–";
}
