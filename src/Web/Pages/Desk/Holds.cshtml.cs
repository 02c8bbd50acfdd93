using Dapper;
using Matchmaker.Silo.Data;
using Matchmaker.Silo.Market;
using Matchmaker.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Matchmaker.Web.Pages.Desk;

/// <summary>
/// Lopende reserveringen: the region's active holds, soonest to expire first, with the time left; and the answers of
/// the last day (accepted, declined with the reason, expired), which the navigation's badge points to.
/// </summary>
public sealed class HoldsModel(Database database, Journal journal, TimeProvider clock) : PageModel
{
    public sealed class RunningHold
    {
        public Guid HoldId { get; init; }
        public Guid RequestId { get; init; }
        public string CaseReference { get; init; } = "";
        public string CareType { get; init; } = "";
        public string ProviderName { get; init; } = "";
        public string LocationName { get; init; } = "";
        public DateTimeOffset CreatedAt { get; init; }
        public DateTimeOffset ExpiresAt { get; init; }
        public string? SiblingGroup { get; init; }
    }

    public sealed class AnsweredHold
    {
        public Guid RequestId { get; init; }
        public string CaseReference { get; init; } = "";
        public string ProviderName { get; init; } = "";
        public string LocationName { get; init; } = "";
        public string Status { get; init; } = "";
        public DateTimeOffset AnsweredAt { get; init; }
        public string? DeclineReason { get; init; }
        public string? DeclineNote { get; init; }
    }

    public IReadOnlyList<RunningHold> Holds { get; private set; } = [];
    public IReadOnlyList<AnsweredHold> Answered { get; private set; } = [];
    public DateTimeOffset Now { get; private set; }

    public async Task OnGetAsync()
    {
        var caller = Caller.Of(HttpContext);
        Now = clock.GetUtcNow();
        await using var connection = await database.OpenAsync();
        Holds = (await connection.QueryAsync<RunningHold>("""
            SELECT h.id AS HoldId, h.request_id AS RequestId, r.case_reference AS CaseReference, r.care_type AS CareType,
                   p.name AS ProviderName, l.name AS LocationName, h.created_at AS CreatedAt, h.expires_at AS ExpiresAt, h.sibling_group AS SiblingGroup
            FROM holds h JOIN requests r ON r.id = h.request_id JOIN offerings o ON o.id = h.offering_id
            JOIN organisations p ON p.id = o.provider_id JOIN locations l ON l.id = o.location_id
            WHERE h.region_code = @regionCode AND h.status = 'active'
            ORDER BY h.expires_at, h.id
            """, new { regionCode = caller.RegionCode })).ToList();
        Answered = (await connection.QueryAsync<AnsweredHold>("""
            SELECT h.request_id AS RequestId, r.case_reference AS CaseReference, p.name AS ProviderName, l.name AS LocationName, h.status AS Status,
                   h.answered_at AS AnsweredAt, h.decline_reason AS DeclineReason, h.decline_note AS DeclineNote
            FROM holds h JOIN requests r ON r.id = h.request_id JOIN offerings o ON o.id = h.offering_id
            JOIN organisations p ON p.id = o.provider_id JOIN locations l ON l.id = o.location_id
            WHERE h.region_code = @regionCode AND h.status IN ('accepted', 'declined', 'expired') AND h.answered_at >= @since
            ORDER BY h.answered_at DESC, h.id
            LIMIT 50
            """, new { regionCode = caller.RegionCode, since = Now.AddDays(-1) })).ToList();
        await journal.AuditAsync(connection, null, caller.ToActor(), "holds-listed", "request", null, caller.RegionCode,
            string.Join(",", Holds.Select(h => h.CaseReference).Concat(Answered.Select(a => a.CaseReference)).Distinct()));
    }

    /// <summary>The answer in words: "geaccepteerd", "afgewezen: past niet bij de zorgbehoefte (“…”)", "verlopen zonder antwoord".</summary>
    public static string Answer(AnsweredHold hold) => hold.Status switch
    {
        "accepted" => "Geaccepteerd",
        "declined" => $"Afgewezen: {Dutch.DeclineReason(hold.DeclineReason ?? "other").ToLowerInvariant()}" +
            (string.IsNullOrWhiteSpace(hold.DeclineNote) ? "" : $" (“{hold.DeclineNote}”)"),
        _ => "Verlopen zonder antwoord",
    };

    /// <summary>"nog 5 uur 20 min", "nog 2 dagen 3 uur", or "verlopen" (the region's clock ends it within seconds).</summary>
    public static string TimeLeft(DateTimeOffset expiresAt, DateTimeOffset now)
    {
        var left = expiresAt - now;
        if (left <= TimeSpan.Zero) return "verlopen";
        if (left.TotalHours >= 48) return $"nog {(int)left.TotalDays} dagen {left.Hours} uur";
        if (left.TotalHours >= 1) return $"nog {(int)left.TotalHours} uur {left.Minutes} min";
        return $"nog {Math.Max(1, left.Minutes)} min";
    }
}
