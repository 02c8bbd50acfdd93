using System.Data.Common;
using Dapper;
using Matchmaker.Matching;
using Matchmaker.Silo.Data;

namespace Matchmaker.Silo.Market;

/// <summary>
/// The one place where an offering's units change (the "grain"). Every change is a single conditional UPDATE
/// on the offering row, in the same transaction as the hold, placement, audit entry and outbox event, so two
/// desks can never take the same last unit and no change is published that did not commit.
/// </summary>
public sealed class OfferingCapacity(Database database, Journal journal, TimeProvider clock)
{
    public sealed class OfferingState
    {
        public Guid Id { get; init; }
        public Guid ProviderId { get; init; }
        public string CareType { get; init; } = "";
        public int TotalUnits { get; init; }
        public int OccupiedUnits { get; init; }
        public int HeldUnits { get; init; }
        public int FreeUnits { get; init; }
        public DateOnly? EarliestStart { get; init; }
        public DateTimeOffset LastConfirmedAt { get; init; }
        public long Version { get; init; }
    }

    public sealed record HoldPlaced(Guid HoldId, Guid RequestId, Guid OfferingId, DateTimeOffset ExpiresAt);

    private const string Returning = """
        RETURNING id AS Id, provider_id AS ProviderId, care_type AS CareType, total_units AS TotalUnits,
                  occupied_units AS OccupiedUnits, held_units AS HeldUnits,
                  total_units - occupied_units - held_units AS FreeUnits, earliest_start AS EarliestStart,
                  last_confirmed_at AS LastConfirmedAt, version AS Version
        """;

    /// <summary>The provider sets total and occupied units (and the earliest start of a slot); this also confirms the figures.</summary>
    public async Task<OfferingState> SetCapacityAsync(Actor provider, Guid offeringId, int totalUnits, int occupiedUnits, DateOnly? earliestStart)
    {
        await using var connection = await database.OpenAsync();
        await using var transaction = await database.BeginWriteAsync(connection);
        var state = await connection.QuerySingleOrDefaultAsync<OfferingState>($"""
            UPDATE offerings
            SET total_units = @totalUnits, occupied_units = @occupiedUnits, earliest_start = @earliestStart,
                last_confirmed_at = @now, version = version + 1
            WHERE id = @offeringId AND provider_id = @providerId AND @occupiedUnits + held_units <= @totalUnits
            {Returning}
            """,
            new { offeringId, providerId = provider.OrganisationId, totalUnits, occupiedUnits, earliestStart, now = clock.GetUtcNow() }, transaction);
        if (state is null)
        {
            var held = await connection.QuerySingleOrDefaultAsync<int?>(
                "SELECT held_units FROM offerings WHERE id = @offeringId AND provider_id = @providerId",
                new { offeringId, providerId = provider.OrganisationId }, transaction);
            throw held is null
                ? MarketRuleException.NotFound("This offering")
                : MarketRuleException.Conflict("Units are held", $"{held} unit(s) are held for proposals; total units must be at least occupied units plus {held}.");
        }
        await PublishAvailabilityAsync(connection, transaction, state);
        await journal.AuditAsync(connection, transaction, provider, "capacity-set", "offering", offeringId.ToString(), null,
            $"total {totalUnits}, occupied {occupiedUnits}");
        await journal.CommitAsync(transaction);
        return state;
    }

    /// <summary>"Still accurate": the provider confirms the figures without changing them.</summary>
    public async Task<OfferingState> ConfirmAsync(Actor provider, Guid offeringId)
    {
        await using var connection = await database.OpenAsync();
        await using var transaction = await database.BeginWriteAsync(connection);
        var state = await connection.QuerySingleOrDefaultAsync<OfferingState>($"""
            UPDATE offerings SET last_confirmed_at = @now, version = version + 1
            WHERE id = @offeringId AND provider_id = @providerId
            {Returning}
            """, new { offeringId, providerId = provider.OrganisationId, now = clock.GetUtcNow() }, transaction)
            ?? throw MarketRuleException.NotFound("This offering");
        await PublishAvailabilityAsync(connection, transaction, state);
        await journal.AuditAsync(connection, transaction, provider, "capacity-confirmed", "offering", offeringId.ToString(), null);
        await journal.CommitAsync(transaction);
        return state;
    }

    /// <summary>
    /// A desk holds a unit for a child of its region (one unit per open sibling), for the region's hold time.
    /// 409 when no unit is free, when the child already has the region's maximum of parallel holds, or when the
    /// place does not suit the child (the secure-care rule above all).
    /// </summary>
    public async Task<IReadOnlyList<HoldPlaced>> PlaceHoldAsync(Actor desk, Guid offeringId, Guid requestId, Guid? matchingRoundId)
    {
        var now = clock.GetUtcNow();
        await using var connection = await database.OpenAsync();
        await using var transaction = await database.BeginWriteAsync(connection);
        var child = await connection.QuerySingleOrDefaultAsync<MarketRows.RequestRow>(
            MarketRows.SelectRequests + " WHERE id = @requestId AND region_code = @regionCode AND status = 'open'",
            new { requestId, regionCode = desk.RegionCode }, transaction)
            ?? throw MarketRuleException.NotFound("This open request");
        var children = child.SiblingGroup is null
            ? [child]
            : (await connection.QueryAsync<MarketRows.RequestRow>(
                MarketRows.SelectRequests + " WHERE region_code = @regionCode AND sibling_group = @group AND status = 'open' ORDER BY id",
                new { regionCode = desk.RegionCode, group = child.SiblingGroup }, transaction)).ToList();
        var region = await connection.QuerySingleAsync<RegionSettings>(
            "SELECT hold_hours AS HoldHours, max_parallel_holds AS MaxParallelHolds FROM regions WHERE code = @regionCode",
            new { regionCode = desk.RegionCode }, transaction);
        var offering = await MarketRows.OfferingAsync(connection, transaction, offeringId)
            ?? throw MarketRuleException.NotFound("This offering");

        var activeHolds = await connection.QuerySingleAsync<HoldCounts>("""
            SELECT count(*) AS Total, coalesce(sum(CASE WHEN offering_id = @offeringId THEN 1 ELSE 0 END), 0) AS Here
            FROM holds WHERE request_id = @requestId AND region_code = @regionCode AND status = 'active'
            """, new { requestId, offeringId, regionCode = desk.RegionCode }, transaction);
        if (activeHolds.Here > 0)
            throw MarketRuleException.Conflict("Already held", "This child already has a hold on this place.");
        if (activeHolds.Total >= region.MaxParallelHolds)
            throw MarketRuleException.Conflict("Too many holds", $"This child already has {activeHolds.Total} holds; the region allows {region.MaxParallelHolds} at once.");
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        foreach (var sibling in children)
        {
            var request = sibling.ToRequest(today);
            var place = offering.ToPlace();
            var distance = Geo.DistanceKm(request.Lat, request.Lon, place.Lat, place.Lon);
            if (Feasibility.BrokenIgnoringPolicy(request, place, distance) is { } rule)
                throw MarketRuleException.Conflict("Place does not suit the child", UnsuitableBecause(rule, sibling.CaseReference));
        }

        var units = children.Count;
        var state = await connection.QuerySingleOrDefaultAsync<OfferingState>($"""
            UPDATE offerings SET held_units = held_units + @units, version = version + 1
            WHERE id = @offeringId AND total_units - occupied_units - held_units >= @units
            {Returning}
            """, new { offeringId, units }, transaction)
            ?? throw MarketRuleException.Conflict("Place taken",
                units == 1 ? "This place has no free unit any more." : $"This place no longer has {units} free units for the siblings together.");

        var expiresAt = now.AddHours(region.HoldHours);
        var placed = new List<HoldPlaced>();
        foreach (var sibling in children)
        {
            var hold = new HoldPlaced(Guid.NewGuid(), sibling.Id, offeringId, expiresAt);
            await connection.ExecuteAsync("""
                INSERT INTO holds (id, region_code, request_id, offering_id, status, created_at, expires_at, created_by, matching_round_id, sibling_group)
                VALUES (@HoldId, @regionCode, @RequestId, @OfferingId, 'active', @now, @ExpiresAt, @createdBy, @matchingRoundId, @group)
                """, new { hold.HoldId, regionCode = desk.RegionCode, hold.RequestId, hold.OfferingId, now, hold.ExpiresAt, createdBy = desk.Id, matchingRoundId, group = sibling.SiblingGroup }, transaction);
            var distance = Geo.DistanceKm(sibling.HomeLat, sibling.HomeLon, offering.Lat, offering.Lon);
            await journal.PublishAsync(connection, transaction, new MarketEvent(MarketEvent.HoldChanged, desk.RegionCode, offering.ProviderId,
                hold.HoldId.ToString(), state.Version, new HoldChangedPayload(hold.HoldId, sibling.Id, offeringId, "active", expiresAt)));
            await journal.PublishAsync(connection, transaction, new MarketEvent(MarketEvent.ProposalReceived, null, offering.ProviderId,
                hold.HoldId.ToString(), state.Version, new ProposalPayload(hold.HoldId, offeringId, offering.CareType, sibling.AgeOn(today),
                    MarketRows.Split(sibling.Needs), Math.Round(distance, 1), sibling.Urgency, units, expiresAt)));
            await journal.AuditAsync(connection, transaction, desk, "hold-placed", "hold", hold.HoldId.ToString(), desk.RegionCode,
                $"request {sibling.CaseReference} on offering {offeringId}");
            placed.Add(hold);
        }
        await PublishAvailabilityAsync(connection, transaction, state);
        await journal.CommitAsync(transaction);
        return placed;
    }

    /// <summary>
    /// The provider accepts: the child (and its siblings held at the same place) is placed, the held units become
    /// occupied, every other hold of these children is released at once, and their requests close.
    /// </summary>
    public async Task<IReadOnlyList<Guid>> AcceptAsync(Actor provider, Guid holdId, DateOnly startDate)
    {
        var now = clock.GetUtcNow();
        await using var connection = await database.OpenAsync();
        await using var transaction = await database.BeginWriteAsync(connection);
        var accepted = await connection.QuerySingleOrDefaultAsync<AnsweredHold>("""
            UPDATE holds SET status = 'accepted', answered_at = @now
            WHERE id = @holdId AND status = 'active' AND expires_at > @now
              AND offering_id IN (SELECT id FROM offerings WHERE provider_id = @providerId)
            RETURNING request_id AS RequestId, offering_id AS OfferingId, region_code AS RegionCode, sibling_group AS SiblingGroup
            """, new { holdId, now, providerId = provider.OrganisationId }, transaction)
            ?? throw await NotActiveAsync(connection, transaction, provider, holdId);

        var siblingHolds = accepted.SiblingGroup is null ? [] : (await connection.QueryAsync<AnsweredHold>("""
            UPDATE holds SET status = 'accepted', answered_at = @now
            WHERE region_code = @RegionCode AND sibling_group = @SiblingGroup AND offering_id = @OfferingId AND status = 'active'
            RETURNING id AS HoldId, request_id AS RequestId, offering_id AS OfferingId, region_code AS RegionCode, sibling_group AS SiblingGroup
            """, new { now, accepted.RegionCode, accepted.SiblingGroup, accepted.OfferingId }, transaction)).ToList();
        var placedChildren = siblingHolds.Select(h => h.RequestId).Prepend(accepted.RequestId).ToList();

        var state = await connection.QuerySingleAsync<OfferingState>($"""
            UPDATE offerings SET held_units = held_units - @units, occupied_units = occupied_units + @units, version = version + 1
            WHERE id = @OfferingId
            {Returning}
            """, new { units = placedChildren.Count, accepted.OfferingId }, transaction);
        foreach (var child in placedChildren)
        {
            var placementId = Guid.NewGuid();
            await connection.ExecuteAsync("""
                INSERT INTO placements (id, region_code, request_id, offering_id, hold_id, start_date, second_best, created_at)
                VALUES (@placementId, @RegionCode, @child, @OfferingId, @holdId, @startDate, false, @now)
                """, new { placementId, accepted.RegionCode, child, accepted.OfferingId, holdId, startDate, now }, transaction);
            var version = await connection.QuerySingleAsync<long>("""
                UPDATE requests SET status = 'placed', closed_at = @now, version = version + 1
                WHERE id = @child AND region_code = @RegionCode
                RETURNING version
                """, new { child, now, accepted.RegionCode }, transaction);
            await journal.PublishAsync(connection, transaction, new MarketEvent(MarketEvent.RequestChanged, accepted.RegionCode, null,
                child.ToString(), version, new RequestChangedPayload(child, "placed", version)));
            await journal.AuditAsync(connection, transaction, provider, "hold-accepted", "placement", placementId.ToString(), accepted.RegionCode,
                $"request {child} placed on offering {accepted.OfferingId} from {startDate:yyyy-MM-dd}");
        }
        await PublishHoldChangeAsync(connection, transaction, holdId, accepted, "accepted", state);
        foreach (var sibling in siblingHolds)
            await PublishHoldChangeAsync(connection, transaction, sibling.HoldId, sibling, "accepted", state);
        await PublishAvailabilityAsync(connection, transaction, state);
        await ReleaseActiveHoldsAsync(connection, transaction, provider, placedChildren, accepted.RegionCode, "released");
        await journal.CommitAsync(transaction);
        return placedChildren;
    }

    /// <summary>The provider declines with a reason; siblings held at the same place are declined with it.</summary>
    public async Task DeclineAsync(Actor provider, Guid holdId, string reason, string? note)
    {
        var now = clock.GetUtcNow();
        await using var connection = await database.OpenAsync();
        await using var transaction = await database.BeginWriteAsync(connection);
        var declined = await connection.QuerySingleOrDefaultAsync<AnsweredHold>("""
            UPDATE holds SET status = 'declined', answered_at = @now, decline_reason = @reason, decline_note = @note
            WHERE id = @holdId AND status = 'active' AND expires_at > @now
              AND offering_id IN (SELECT id FROM offerings WHERE provider_id = @providerId)
            RETURNING id AS HoldId, request_id AS RequestId, offering_id AS OfferingId, region_code AS RegionCode, sibling_group AS SiblingGroup
            """, new { holdId, now, reason, note, providerId = provider.OrganisationId }, transaction)
            ?? throw await NotActiveAsync(connection, transaction, provider, holdId);
        var siblings = declined.SiblingGroup is null ? [] : (await connection.QueryAsync<AnsweredHold>("""
            UPDATE holds SET status = 'declined', answered_at = @now, decline_reason = @reason, decline_note = @note
            WHERE region_code = @RegionCode AND sibling_group = @SiblingGroup AND offering_id = @OfferingId AND status = 'active'
            RETURNING id AS HoldId, request_id AS RequestId, offering_id AS OfferingId, region_code AS RegionCode, sibling_group AS SiblingGroup
            """, new { now, reason, note, declined.RegionCode, declined.SiblingGroup, declined.OfferingId }, transaction)).ToList();
        await GiveBackHeldUnitsAsync(connection, transaction, [declined, .. siblings], "declined");
        await journal.AuditAsync(connection, transaction, provider, "hold-declined", "hold", holdId.ToString(), declined.RegionCode, $"{reason}: {note}");
        await journal.CommitAsync(transaction);
    }

    /// <summary>Releases the region's holds whose time is up; returns how many. Safe to run on any node at any time.</summary>
    public async Task<int> ExpireDueHoldsAsync(string regionCode, CancellationToken cancellationToken = default)
    {
        var expired = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var now = clock.GetUtcNow();
            await using var connection = await database.OpenAsync(cancellationToken);
            await using var transaction = await database.BeginWriteAsync(connection, cancellationToken);
            var hold = await connection.QueryFirstOrDefaultAsync<AnsweredHold>("""
                UPDATE holds SET status = 'expired', answered_at = @now
                WHERE id = (SELECT id FROM holds WHERE region_code = @regionCode AND status = 'active' AND expires_at <= @now
                            ORDER BY expires_at, id LIMIT 1)
                  AND status = 'active' AND expires_at <= @now
                RETURNING id AS HoldId, request_id AS RequestId, offering_id AS OfferingId, region_code AS RegionCode, sibling_group AS SiblingGroup
                """, new { regionCode, now }, transaction);
            if (hold is null) break;
            await GiveBackHeldUnitsAsync(connection, transaction, [hold], "expired");
            await journal.AuditAsync(connection, transaction, Actor.System, "hold-expired", "hold", hold.HoldId.ToString(), regionCode);
            await journal.CommitAsync(transaction, cancellationToken);
            expired++;
        }
        return expired;
    }

    /// <summary>A placement ends (planned end, breakdown, move); its unit is free again. Desk of the region or the provider.</summary>
    public async Task EndPlacementAsync(Actor actor, Guid placementId, DateOnly endDate, string reason)
    {
        await using var connection = await database.OpenAsync();
        await using var transaction = await database.BeginWriteAsync(connection);
        var ended = await connection.QuerySingleOrDefaultAsync<EndedPlacement>("""
            UPDATE placements SET end_date = @endDate, end_reason = @reason
            WHERE id = @placementId AND end_date IS NULL AND start_date <= @endDate
              AND (region_code = @regionCode OR offering_id IN (SELECT id FROM offerings WHERE provider_id = @providerId))
            RETURNING offering_id AS OfferingId, region_code AS RegionCode, request_id AS RequestId
            """, new { placementId, endDate, reason, regionCode = actor.RegionCode, providerId = actor.OrganisationId }, transaction);
        if (ended is null)
        {
            var existing = await connection.QuerySingleOrDefaultAsync<DateOnly?>("""
                SELECT start_date FROM placements
                WHERE id = @placementId AND (region_code = @regionCode OR offering_id IN (SELECT id FROM offerings WHERE provider_id = @providerId))
                """, new { placementId, regionCode = actor.RegionCode, providerId = actor.OrganisationId }, transaction);
            throw existing is null
                ? MarketRuleException.NotFound("This placement")
                : MarketRuleException.Conflict("Placement cannot end so", $"The placement started on {existing:yyyy-MM-dd} or has ended already; the end date must be on or after the start.");
        }
        // The provider may already have counted the unit free by hand; then there is nothing to free.
        var state = await connection.QuerySingleOrDefaultAsync<OfferingState>($"""
            UPDATE offerings SET occupied_units = occupied_units - 1, version = version + 1
            WHERE id = @OfferingId AND occupied_units > 0
            {Returning}
            """, new { ended.OfferingId }, transaction);
        if (state is not null)
            await PublishAvailabilityAsync(connection, transaction, state);
        await journal.AuditAsync(connection, transaction, actor, "placement-ended", "placement", placementId.ToString(), ended.RegionCode, reason);
        await journal.CommitAsync(transaction);
    }

    /// <summary>Releases the active holds of these children (after a placement or a withdrawal), in the caller's transaction.</summary>
    public async Task ReleaseActiveHoldsAsync(DbConnection connection, DbTransaction transaction, Actor actor, IReadOnlyCollection<Guid> requestIds,
        string regionCode, string status)
    {
        // One statement per child: Dapper's list expansion (IN @ids) bypasses the GUID type handler on SQLite.
        var released = new List<AnsweredHold>();
        foreach (var requestId in requestIds)
            released.AddRange(await connection.QueryAsync<AnsweredHold>("""
                UPDATE holds SET status = @status, answered_at = @now
                WHERE request_id = @requestId AND region_code = @regionCode AND status = 'active'
                RETURNING id AS HoldId, request_id AS RequestId, offering_id AS OfferingId, region_code AS RegionCode, sibling_group AS SiblingGroup
                """, new { status, now = clock.GetUtcNow(), requestId, regionCode }, transaction));
        foreach (var offering in released.GroupBy(h => h.OfferingId).OrderBy(g => g.Key))
            await GiveBackHeldUnitsAsync(connection, transaction, [.. offering], status);
        if (released.Count > 0)
            await journal.AuditAsync(connection, transaction, actor, $"holds-{status}", "request", string.Join(",", requestIds), regionCode,
                $"{released.Count} hold(s)");
    }

    private async Task<MarketRuleException> NotActiveAsync(DbConnection connection, DbTransaction transaction, Actor provider, Guid holdId)
    {
        var hold = await connection.QuerySingleOrDefaultAsync<HoldStatus>("""
            SELECT status AS Status, expires_at AS ExpiresAt FROM holds
            WHERE id = @holdId AND offering_id IN (SELECT id FROM offerings WHERE provider_id = @providerId)
            """, new { holdId, providerId = provider.OrganisationId }, transaction);
        if (hold is null) return MarketRuleException.NotFound("This hold");
        var status = hold.Status == "active" ? "expired" : hold.Status;
        return MarketRuleException.Conflict("Hold no longer active", $"This proposal was {status} and can no longer be answered.");
    }

    /// <summary>Gives back the units of holds at one offering that ended (declined, expired, released) and tells the clients.</summary>
    private async Task GiveBackHeldUnitsAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<AnsweredHold> holds, string status)
    {
        var state = await connection.QuerySingleAsync<OfferingState>($"""
            UPDATE offerings SET held_units = held_units - @units, version = version + 1 WHERE id = @offeringId
            {Returning}
            """, new { units = holds.Count, offeringId = holds[0].OfferingId }, transaction);
        foreach (var hold in holds)
            await PublishHoldChangeAsync(connection, transaction, hold.HoldId, hold, status, state);
        await PublishAvailabilityAsync(connection, transaction, state);
    }

    private Task PublishAvailabilityAsync(DbConnection connection, DbTransaction transaction, OfferingState state) =>
        journal.PublishAsync(connection, transaction, new MarketEvent(MarketEvent.AvailabilityChanged, null, state.ProviderId,
            state.Id.ToString(), state.Version,
            new AvailabilityPayload(state.Id, state.CareType, state.FreeUnits, state.TotalUnits, state.LastConfirmedAt, state.Version)));

    private Task PublishHoldChangeAsync(DbConnection connection, DbTransaction transaction, Guid holdId, AnsweredHold hold, string status, OfferingState state) =>
        journal.PublishAsync(connection, transaction, new MarketEvent(MarketEvent.HoldChanged, hold.RegionCode, state.ProviderId,
            holdId.ToString(), state.Version, new HoldChangedPayload(holdId, hold.RequestId, hold.OfferingId, status, null)));

    private static string UnsuitableBecause(Feasibility.Rule rule, string caseReference) => rule switch
    {
        Feasibility.Rule.CareType => $"The place offers another kind of care than {caseReference} needs.",
        Feasibility.Rule.Secure => $"Secure places are only for children with a court authorisation for secure care, and such children only go there ({caseReference}).",
        Feasibility.Rule.Age => $"The place does not take children of the age of {caseReference}.",
        Feasibility.Rule.Gender => $"The place does not take the gender of {caseReference}.",
        Feasibility.Rule.Needs => $"The place lacks a specialism {caseReference} needs.",
        Feasibility.Rule.Distance => $"The place is further from home than the maximum distance set for {caseReference}.",
        _ => $"The place does not suit {caseReference}.",
    };

    private sealed class RegionSettings
    {
        public int HoldHours { get; init; }
        public int MaxParallelHolds { get; init; }
    }

    private sealed class HoldCounts
    {
        public int Total { get; init; }
        public int Here { get; init; }
    }

    private sealed class AnsweredHold
    {
        public Guid HoldId { get; init; }
        public Guid RequestId { get; init; }
        public Guid OfferingId { get; init; }
        public string RegionCode { get; init; } = "";
        public string? SiblingGroup { get; init; }
    }

    private sealed class HoldStatus
    {
        public string Status { get; init; } = "";
        public DateTimeOffset ExpiresAt { get; init; }
    }

    private sealed class EndedPlacement
    {
        public Guid OfferingId { get; init; }
        public string RegionCode { get; init; } = "";
        public Guid RequestId { get; init; }
    }
}

public sealed record AvailabilityPayload(Guid OfferingId, string CareType, int FreeUnits, int TotalUnits, DateTimeOffset LastConfirmedAt, long Version);
public sealed record HoldChangedPayload(Guid HoldId, Guid RequestId, Guid OfferingId, string Status, DateTimeOffset? ExpiresAt);
public sealed record ProposalPayload(Guid HoldId, Guid OfferingId, string CareType, int Age, IReadOnlyList<string> Needs, double DistanceKm,
    string Urgency, int Children, DateTimeOffset ExpiresAt);
public sealed record RequestChangedPayload(Guid RequestId, string Status, long Version);
