using System.Text.Json;
using Dapper;
using Matchmaker.Silo.Data;
using Matchmaker.Silo.Market;
using Matchmaker.Matching;

namespace Matchmaker.Silo.Requests;

/// <summary>
/// Everything that happened to one child's request, oldest first: registered, edited, each matching round's outcome
/// with its explanation, holds (where, until when) and how the provider answered (with reason and note), placement and
/// its end, withdrawal with its reason. Read for the desk of the child's region only; the caller audits the read.
/// </summary>
public sealed class ChildTimeline
{
    /// <summary>
    /// One thing that happened. <c>Kind</c>: registered, edited, round-proposed, round-not-placed, round-waiting,
    /// hold-placed, hold-accepted, hold-declined, hold-expired, hold-released, placed, placement-ended, siblings-split, escalated, withdrawn,
    /// information (the caseworker's), urgency-changed (by the caseworker, with the reason), distance-asked (by the expertise network).
    /// </summary>
    public sealed record Entry(DateTimeOffset At, string Kind, string Text, Guid? OfferingId = null, string? ProviderName = null,
        DateTimeOffset? ExpiresAt = null, string? Reason = null, string? Note = null);

    /// <summary>A hold of the child now, for the status line and its countdown.</summary>
    /// <summary>A hold waiting for the provider's answer; <c>MatchingRoundId</c>: the round that proposed it (null: the desk's own pick).</summary>
    public sealed record ActiveHold(Guid HoldId, Guid OfferingId, string ProviderName, string LocationName, DateTimeOffset ExpiresAt, Guid? MatchingRoundId = null);

    public sealed record Placement(Guid PlacementId, string ProviderName, string LocationName, DateOnly StartDate, DateOnly? EndDate, string? EndReason);

    public required Guid RequestId { get; init; }
    public required string CaseReference { get; init; }
    public required string Status { get; init; }
    public required string CareType { get; init; }
    public required string Urgency { get; init; }
    public required int MaxDistanceKm { get; init; }
    /// <summary>The request row's version as read: a change asked on it is refused when the request changed since.</summary>
    public required long Version { get; init; }
    public required string? SiblingGroup { get; init; }
    public required IReadOnlyList<string> Siblings { get; init; }
    public required IReadOnlyList<ActiveHold> Holds { get; init; }
    public required Placement? CurrentPlacement { get; init; }
    public required IReadOnlyList<Entry> Entries { get; init; }
    /// <summary>Filed by a caseworker (else registered by the desk).</summary>
    public required bool FiledByCaseworker { get; init; }
    public required DateTimeOffset? EscalatedAt { get; init; }
    public required string? EscalationReason { get; init; }
    /// <summary>The expertise network of the child's region (null when the region has none).</summary>
    public required string? NetworkName { get; init; }

    /// <summary>Rounds read for the timeline: the region's most recent ones since the child was registered.</summary>
    public const int RoundsLooked = 30;

    internal static async Task<ChildTimeline?> ReadAsync(Database database, string regionCode, Guid requestId)
    {
        await using var connection = await database.OpenAsync();
        var request = await connection.QuerySingleOrDefaultAsync<RequestFacts>("""
            SELECT r.id AS Id, r.case_reference AS CaseReference, r.status AS Status, r.care_type AS CareType, r.sibling_group AS SiblingGroup,
                   r.urgency AS Urgency, r.max_distance_km AS MaxDistanceKm, r.version AS Version,
                   r.registered_at AS RegisteredAt, r.closed_at AS ClosedAt, r.caseworker_id AS CaseworkerId, r.escalated_at AS EscalatedAt,
                   r.escalation_reason AS EscalationReason, n.name AS NetworkName
            FROM requests r JOIN regions g ON g.code = r.region_code LEFT JOIN expertise_networks n ON n.code = g.network_code
            WHERE r.id = @requestId AND r.region_code = @regionCode
            """, new { requestId, regionCode });
        if (request is null) return null;
        var siblings = request.SiblingGroup is null ? [] : (await connection.QueryAsync<string>("""
            SELECT case_reference FROM requests WHERE region_code = @regionCode AND sibling_group = @group AND id <> @requestId ORDER BY case_reference
            """, new { regionCode, group = request.SiblingGroup, requestId })).ToList();
        var holds = (await connection.QueryAsync<HoldFacts>("""
            SELECT h.id AS HoldId, h.offering_id AS OfferingId, h.status AS Status, h.created_at AS CreatedAt, h.expires_at AS ExpiresAt,
                   h.answered_at AS AnsweredAt, h.decline_reason AS DeclineReason, h.decline_note AS DeclineNote, h.matching_round_id AS MatchingRoundId,
                   p.name AS ProviderName, l.name AS LocationName
            FROM holds h JOIN offerings o ON o.id = h.offering_id JOIN organisations p ON p.id = o.provider_id JOIN locations l ON l.id = o.location_id
            WHERE h.request_id = @requestId AND h.region_code = @regionCode
            ORDER BY h.created_at, h.id
            """, new { requestId, regionCode })).ToList();
        // What the desk said when it placed a hold (deliberately in parallel, outside the region's policy and why).
        var holdNotes = holds.Count == 0 ? [] : (await connection.QueryAsync<AuditFacts>("""
            SELECT at AS At, subject_id AS Action, detail AS Detail, role AS Role FROM audit_log
            WHERE region_code = @regionCode AND action = 'hold-placed'
              AND subject_id IN (SELECT CAST(h.id AS TEXT) FROM holds h WHERE h.request_id = @requestId AND h.region_code = @regionCode)
            """, new { regionCode, requestId })).ToDictionary(a => a.Action);
        var placements = (await connection.QueryAsync<PlacementFacts>("""
            SELECT pl.id AS PlacementId, pl.start_date AS StartDate, pl.end_date AS EndDate, pl.end_reason AS EndReason, pl.created_at AS CreatedAt,
                   p.name AS ProviderName, l.name AS LocationName
            FROM placements pl JOIN offerings o ON o.id = pl.offering_id JOIN organisations p ON p.id = o.provider_id JOIN locations l ON l.id = o.location_id
            WHERE pl.request_id = @requestId AND pl.region_code = @regionCode
            ORDER BY pl.created_at, pl.id
            """, new { requestId, regionCode })).ToList();
        var audited = (await connection.QueryAsync<AuditFacts>("""
            SELECT at AS At, action AS Action, detail AS Detail FROM audit_log
            WHERE region_code = @regionCode AND subject_type = 'request' AND subject_id = @id AND action IN ('request-edited', 'request-withdrawn', 'siblings-split', 'request-escalated')
            ORDER BY at, id
            """, new { regionCode, id = requestId.ToString() })).ToList();
        var notes = (await connection.QueryAsync<NoteFacts>("""
            SELECT created_at AS At, kind AS Kind, text AS Text, detail AS Detail FROM request_notes
            WHERE request_id = @requestId AND region_code = @regionCode
            ORDER BY created_at, id
            """, new { requestId, regionCode })).ToList();
        var rounds = (await connection.QueryAsync<string>("""
            SELECT result FROM matching_rounds WHERE region_code = @regionCode AND created_at >= @registeredAt ORDER BY created_at DESC, id LIMIT @limit
            """, new { regionCode, registeredAt = request.RegisteredAt, limit = RoundsLooked })).Select(json => JsonSerializer.Deserialize<MatchingRounds.Round>(json, Journal.EventJson)!).ToList();

        var entries = new List<Entry> { new(request.RegisteredAt, "registered",
            $"{(request.CaseworkerId is null ? "Aangemeld" : "Ingediend door de jeugdbeschermer")} voor {CareTypes.DutchName(request.CareType).ToLowerInvariant()}.") };
        entries.AddRange(audited.Select(a => a.Action switch
        {
            "request-edited" => new Entry(a.At, "edited", "Aanvraag bewerkt."),
            "request-escalated" => new Entry(a.At, "escalated",
                $"Bovenregionaal geëscaleerd naar {request.NetworkName ?? "het expertisenetwerk"}: {SplitReason(a.Detail)}", Note: SplitReason(a.Detail)),
            "siblings-split" => new Entry(a.At, "siblings-split", $"Broers en zussen mogen apart geplaatst worden: {SplitReason(a.Detail)}", Note: SplitReason(a.Detail)),
            _ => new Entry(a.At, "withdrawn", $"Aanvraag ingetrokken{WithdrawnBecause(a.Detail)}.", Reason: ReasonCode(a.Detail)),
        }));
        entries.AddRange(notes.Select(NoteEntry));
        foreach (var round in rounds)
        {
            if (round.Proposals.FirstOrDefault(p => p.RequestId == requestId) is { } proposal)
                entries.Add(new Entry(round.CreatedAt, "round-proposed", $"Matchingsronde: voorgesteld bij {proposal.ProviderName}, {proposal.LocationName}. {proposal.Explanation}",
                    proposal.OfferingId, proposal.ProviderName));
            else if (round.NotPlaced.FirstOrDefault(n => n.RequestId == requestId) is { } left)
                entries.Add(new Entry(round.CreatedAt, "round-not-placed", $"Matchingsronde: geen plek. {left.Explanation}", Reason: left.Reason));
            else if (round.WaitingForAnswer?.FirstOrDefault(w => w.RequestId == requestId) is { } waiting)
                entries.Add(new Entry(round.CreatedAt, "round-waiting", $"Matchingsronde: niet meegenomen, wacht op antwoord van {waiting.ProviderName}.",
                    waiting.OfferingId, waiting.ProviderName));
        }
        foreach (var hold in holds)
        {
            var where = $"{hold.ProviderName}, {hold.LocationName}";
            var note = holdNotes.GetValueOrDefault(hold.HoldId.ToString());
            var said = note?.Detail ?? "";
            var byNetwork = note?.Role == Access.Roles.Network;
            var outside = ReasonAfter(said, Grains.OfferingGrain.OutsidePolicyMark) ?? ReasonAfter(said, Grains.OfferingGrain.OnBehalfMark);
            entries.Add(new Entry(hold.CreatedAt, "hold-placed", $"Plek gereserveerd{(byNetwork ? " door het expertisenetwerk" : "")} bij {where}, tot {Local(hold.ExpiresAt)}" +
                (said.Contains("in parallel", StringComparison.Ordinal) ? ", bewust naast een andere reservering" : "") +
                (outside is null ? "." : byNetwork ? $", namens de regio, omdat: {outside}" : $", buiten het beleid van de regio, omdat: {outside}"), hold.OfferingId, hold.ProviderName, hold.ExpiresAt, Note: outside));
            if (hold.AnsweredAt is not { } answered) continue;
            entries.Add(hold.Status switch
            {
                "accepted" => new Entry(answered, "hold-accepted", $"{hold.ProviderName} heeft het voorstel geaccepteerd.", hold.OfferingId, hold.ProviderName),
                "declined" => new Entry(answered, "hold-declined",
                    $"{hold.ProviderName} heeft het voorstel afgewezen: {DutchWords.DeclineReason(hold.DeclineReason ?? "other").ToLowerInvariant()}" +
                    $"{(string.IsNullOrWhiteSpace(hold.DeclineNote) ? "" : $" (“{hold.DeclineNote}”)")}.",
                    hold.OfferingId, hold.ProviderName, Reason: hold.DeclineReason, Note: hold.DeclineNote),
                "expired" => new Entry(answered, "hold-expired", $"Reservering bij {where} verlopen zonder antwoord.", hold.OfferingId, hold.ProviderName),
                _ => new Entry(answered, "hold-released", $"Reservering bij {where} vrijgegeven.", hold.OfferingId, hold.ProviderName),
            });
        }
        foreach (var placement in placements)
        {
            entries.Add(new Entry(placement.CreatedAt, "placed", $"Geplaatst bij {placement.ProviderName}, {placement.LocationName}, vanaf {placement.StartDate:dd-MM-yyyy}.",
                ProviderName: placement.ProviderName));
            if (placement.EndDate is { } end)
                entries.Add(new Entry(new DateTimeOffset(end.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero), "placement-ended",
                    $"Plaatsing beëindigd op {end:dd-MM-yyyy}: {DutchWords.PlacementEndReason(placement.EndReason)}.", ProviderName: placement.ProviderName, Reason: placement.EndReason));
        }

        var current = placements.LastOrDefault(p => p.EndDate is null);
        return new ChildTimeline
        {
            RequestId = request.Id,
            CaseReference = request.CaseReference,
            Status = request.Status,
            CareType = request.CareType,
            Urgency = request.Urgency,
            MaxDistanceKm = request.MaxDistanceKm,
            Version = request.Version,
            SiblingGroup = request.SiblingGroup,
            Siblings = siblings,
            Holds = holds.Where(h => h.Status == "active").Select(h => new ActiveHold(h.HoldId, h.OfferingId, h.ProviderName, h.LocationName, h.ExpiresAt, h.MatchingRoundId)).ToList(),
            CurrentPlacement = current is null ? null
                : new Placement(current.PlacementId, current.ProviderName, current.LocationName, current.StartDate, current.EndDate, current.EndReason),
            Entries = [.. entries.OrderBy(e => e.At).ThenBy(e => EntryOrder(e.Kind))],
            FiledByCaseworker = request.CaseworkerId is not null,
            EscalatedAt = request.EscalatedAt,
            EscalationReason = request.EscalationReason,
            NetworkName = request.NetworkName,
        };
    }

    /// <summary>The status line on top of the dossier.</summary>
    public string Summary => Status switch
    {
        "placed" when CurrentPlacement is { } p => $"Geplaatst bij {p.ProviderName}, {p.LocationName}, sinds {p.StartDate:dd-MM-yyyy}.",
        "placed" => "Geplaatst; de plaatsing is inmiddels beëindigd.",
        "withdrawn" => "Ingetrokken.",
        _ when Holds.Count == 1 => $"Wacht op antwoord van {Holds[0].ProviderName} (reservering verloopt {Local(Holds[0].ExpiresAt)}).",
        _ when Holds.Count > 1 => $"Wacht op antwoord van {Holds.Count} aanbieders (eerste reservering verloopt {Local(Holds.Min(h => h.ExpiresAt))}).",
        _ => "Wacht op een plek.",
    };

    /// <summary>A line of request_notes in the dossier: what the caseworker added or changed, what the network asked.</summary>
    private static Entry NoteEntry(NoteFacts note) => note.Kind switch
    {
        "information" => new Entry(note.At, "information", $"Informatie van de jeugdbeschermer: “{note.Text}”", Note: note.Text),
        "urgency-changed" when note.Detail?.Split('>') is [var from, var to] => new Entry(note.At, "urgency-changed",
            $"Urgentie door de jeugdbeschermer gewijzigd van {DutchWords.Urgency(from).ToLowerInvariant()} naar {DutchWords.Urgency(to).ToLowerInvariant()}: {note.Text}",
            Reason: to, Note: note.Text),
        "distance-asked" => new Entry(note.At, "distance-asked",
            $"Het expertisenetwerk vraagt de tafel de maximale afstand van {note.Detail} km te verruimen: verder van huis zijn er passende plekken." +
            (note.Text.Length == 0 ? "" : $" Toelichting: “{note.Text}”"), Reason: note.Detail, Note: note.Text.Length == 0 ? null : note.Text),
        _ => new Entry(note.At, note.Kind, note.Text, Note: note.Text),
    };

    public static string Local(DateTimeOffset at) => at.ToLocalTime().ToString("dd-MM-yyyy HH:mm", DutchWords.Culture);

    /// <summary>The audit detail of a withdrawal is "reason: code"; older withdrawals have none.</summary>
    private static string? ReasonCode(string? detail) =>
        detail is not null && detail.StartsWith("reason: ", StringComparison.Ordinal) ? detail["reason: ".Length..].Split(';')[0].Trim() : null;

    private static string WithdrawnBecause(string? detail) =>
        ReasonCode(detail) is { } code && WithdrawalReasons.All.Contains(code) ? $": {DutchWords.WithdrawReason(code).ToLowerInvariant()}" : "";

    private static string? ReasonAfter(string detail, string mark) =>
        detail.IndexOf(mark, StringComparison.Ordinal) is var at and >= 0 ? detail[(at + mark.Length)..] : null;

    /// <summary>The audit detail of a split is "group G: reason", of an escalation "network N: reason".</summary>
    private static string SplitReason(string? detail) => detail is not null && detail.IndexOf(": ", StringComparison.Ordinal) is var at and >= 0 ? detail[(at + 2)..] : "";

    private static int EntryOrder(string kind) => kind switch { "registered" => 0, "placed" => 2, _ => 1 };

    private sealed class RequestFacts
    {
        public Guid Id { get; init; }
        public string CaseReference { get; init; } = "";
        public string Status { get; init; } = "";
        public string CareType { get; init; } = "";
        public string Urgency { get; init; } = "";
        public int MaxDistanceKm { get; init; }
        public long Version { get; init; }
        public string? SiblingGroup { get; init; }
        public DateTimeOffset RegisteredAt { get; init; }
        public DateTimeOffset? ClosedAt { get; init; }
        public Guid? CaseworkerId { get; init; }
        public DateTimeOffset? EscalatedAt { get; init; }
        public string? EscalationReason { get; init; }
        public string? NetworkName { get; init; }
    }

    private sealed class NoteFacts
    {
        public DateTimeOffset At { get; init; }
        public string Kind { get; init; } = "";
        public string Text { get; init; } = "";
        public string? Detail { get; init; }
    }

    private sealed class HoldFacts
    {
        public Guid HoldId { get; init; }
        public Guid OfferingId { get; init; }
        public string Status { get; init; } = "";
        public DateTimeOffset CreatedAt { get; init; }
        public DateTimeOffset ExpiresAt { get; init; }
        public DateTimeOffset? AnsweredAt { get; init; }
        public string? DeclineReason { get; init; }
        public string? DeclineNote { get; init; }
        public Guid? MatchingRoundId { get; init; }
        public string ProviderName { get; init; } = "";
        public string LocationName { get; init; } = "";
    }

    private sealed class PlacementFacts
    {
        public Guid PlacementId { get; init; }
        public DateOnly StartDate { get; init; }
        public DateOnly? EndDate { get; init; }
        public string? EndReason { get; init; }
        public DateTimeOffset CreatedAt { get; init; }
        public string ProviderName { get; init; } = "";
        public string LocationName { get; init; } = "";
    }

    private sealed class AuditFacts
    {
        public DateTimeOffset At { get; init; }
        public string Action { get; init; } = "";
        public string? Detail { get; init; }
        public string? Role { get; init; }
    }
}
