namespace Matchmaker.Silo.Access;

/// <summary>
/// What an API token may do, on top of its role: each operation names the scope it needs. <c>area:read</c> is granted
/// by any scope of that area (a system that may write requests may read them); other scopes only by themselves.
/// People signed in have every scope of their role, except at an operation for systems only (the audit log: <c>audit:read</c>).
/// </summary>
public static class Scopes
{
    public const string RequestsRead = "requests:read";
    public const string RequestsWrite = "requests:write";
    public const string MatchingRead = "matching:read";
    public const string MatchingRun = "matching:run";
    public const string HoldsRead = "holds:read";
    public const string HoldsWrite = "holds:write";
    public const string CapacityRead = "capacity:read";
    public const string CapacityWrite = "capacity:write";
    public const string ProposalsRead = "proposals:read";
    public const string ProposalsAnswer = "proposals:answer";
    public const string PlacementsEnd = "placements:end";
    public const string AuditRead = "audit:read";
    public const string EventsRead = "events:read";
    /// <summary>The published figures (a municipality's region, or the national table): aggregates only, today's snapshot.</summary>
    public const string FiguresRead = "figures:read";
    /// <summary>A caseworker's system reads the children it filed (status, urgency, version), and nothing of anyone else's.</summary>
    public const string FollowUpRead = "follow-up:read";
    /// <summary>A caseworker's system adds information for the desk to a child it filed.</summary>
    public const string FollowUpInform = "follow-up:inform";
    /// <summary>A caseworker's system changes the urgency of a child it filed, with a reason.</summary>
    public const string FollowUpUrgency = "follow-up:urgency";
    /// <summary>A caseworker's system withdraws the request of a child it filed, with a reason.</summary>
    public const string FollowUpWithdraw = "follow-up:withdraw";

    public static readonly IReadOnlyList<string> All =
    [
        RequestsRead, RequestsWrite, MatchingRead, MatchingRun, HoldsRead, HoldsWrite, CapacityRead, CapacityWrite,
        ProposalsRead, ProposalsAnswer, PlacementsEnd, AuditRead, EventsRead, FiguresRead,
        FollowUpRead, FollowUpInform, FollowUpUrgency, FollowUpWithdraw,
    ];

    public static IReadOnlyList<string> Parse(string? text) =>
        (text ?? "").Split([' ', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public static bool Grants(IEnumerable<string> granted, string required)
    {
        var area = required.EndsWith(":read", StringComparison.Ordinal) ? required[..(required.Length - "read".Length)] : null;
        return granted.Any(scope => scope == required || (area is not null && scope.StartsWith(area, StringComparison.Ordinal)));
    }
}
