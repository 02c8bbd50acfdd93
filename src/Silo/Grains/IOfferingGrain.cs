using System.Data.Common;
using Dapper;
using Matchmaker.Silo.Market;
using Orleans.CodeGeneration;

namespace Matchmaker.Silo.Grains;

/// <summary>
/// The single writer of one offering's units (key: the offering id): capacity, holds, acceptance, placements
/// ending. Every change is one database transaction guarded by the offering row's version.
/// </summary>
/// <remarks>
/// Version 1 guards a hold's <see cref="HoldPremise"/>. A request grain judging from memory relies on that, so during a
/// rolling upgrade Orleans moves an offering off a node that runs version 0 before it answers such a call.
/// </remarks>
[Version(1)]
public interface IOfferingGrain : IGrainWithGuidKey
{
    /// <summary>The provider sets total and occupied units (and the earliest start of a slot); this also confirms the figures.</summary>
    Task<OfferingState> SetCapacity(Actor provider, int totalUnits, int occupiedUnits, DateOnly? earliestStart);

    /// <summary>The same, only if the offering is still at the version the figures were read at (a spreadsheet's plan); else SheetPlanStale.</summary>
    Task<OfferingState> SetCapacityIfUnchanged(Actor provider, int totalUnits, int occupiedUnits, DateOnly? earliestStart, long knownVersion);

    /// <summary>One unit more free (+1) or occupied (−1), relative to the figures as they are when the step arrives.</summary>
    Task<OfferingState> StepFreeUnits(Actor provider, int step);

    /// <summary>"Still accurate": the provider confirms the figures without changing them.</summary>
    Task<OfferingState> Confirm(Actor provider);

    /// <summary>Holds one unit per child (siblings together) if the place suits each of them and enough units are free.</summary>
    Task<HoldPlaced[]> PlaceHolds(HoldCommand command);

    /// <summary>The provider accepts a hold: the child (with its siblings held here) is placed and its request closes.</summary>
    Task<Acceptance> Accept(Actor provider, Guid holdId, DateOnly startDate, IdempotentRequest? idempotency);

    /// <summary>The provider declines a hold with a reason; siblings held here are declined with it.</summary>
    Task Decline(Actor provider, Guid holdId, string reason, string? note, IdempotentRequest? idempotency);

    /// <summary>Ends active holds here as expired (only those whose time is up) or released; returns how many ended.</summary>
    Task<int> EndHolds(Actor actor, Guid[] holdIds, string status);

    /// <summary>A placement here ends (planned end, breakdown, move); its unit is free again.</summary>
    Task EndPlacement(Actor actor, Guid placementId, DateOnly endDate, string reason);
}

/// <summary>An offering's counts as its owner knows them after its last write.</summary>
[GenerateSerializer, Immutable, Alias("mm.OfferingState")]
public sealed class OfferingState
{
    [Id(0)] public Guid Id { get; init; }
    [Id(1)] public Guid ProviderId { get; init; }
    [Id(2)] public string CareType { get; init; } = "";
    [Id(3)] public int TotalUnits { get; init; }
    [Id(4)] public int OccupiedUnits { get; init; }
    [Id(5)] public int HeldUnits { get; init; }
    [Id(6)] public int FreeUnits { get; init; }
    [Id(7)] public DateOnly? EarliestStart { get; init; }
    [Id(8)] public DateTimeOffset LastConfirmedAt { get; init; }
    [Id(9)] public long Version { get; init; }
}

/// <summary>
/// What a desk asks of an offering: holds for these children (one, or the open siblings of a group, each at the version
/// its request grain judged) for so many hours, under the region's purchasing policy; the <see cref="Premise"/> is what
/// else the request grain judged the hold on, for the hold's command to guard.
/// </summary>
[GenerateSerializer, Immutable, Alias("mm.HoldCommand")]
public sealed record HoldCommand(
    [property: Id(0)] Actor Desk,
    [property: Id(1)] MarketRows.RequestRow[] Children,
    [property: Id(2)] Guid? MatchingRoundId,
    [property: Id(3)] int HoldHours,
    [property: Id(4)] IdempotentRequest? Idempotency,
    [property: Id(5)] int HeldElsewhere = 0,
    [property: Id(6)] string? OutsidePolicyReason = null,
    [property: Id(7)] bool AllowOutOfRegion = false,
    [property: Id(8)] bool AllowNonContracted = false,
    [property: Id(9)] HoldPremise? Premise = null);

/// <summary>
/// The child's side of a hold as its request grain judged it (perhaps from memory): the child had so many active holds,
/// and the region allowed so many at once (with the command's hours and policy). The hold's command keeps nothing when
/// the rows say otherwise.
/// </summary>
[GenerateSerializer, Immutable, Alias("mm.HoldPremise")]
public sealed record HoldPremise([property: Id(0)] Guid RequestId, [property: Id(1)] int ActiveHolds, [property: Id(2)] int MaxParallelHolds);

[GenerateSerializer, Immutable, Alias("mm.HoldPlaced")]
public sealed record HoldPlaced(
    [property: Id(0)] Guid HoldId,
    [property: Id(1)] Guid RequestId,
    [property: Id(2)] Guid OfferingId,
    [property: Id(3)] DateTimeOffset ExpiresAt);

/// <summary>A hold that is still active elsewhere for a child just placed: its own offering releases it next.</summary>
[GenerateSerializer, Immutable, Alias("mm.HoldAt")]
public sealed record HoldAt([property: Id(0)] Guid HoldId, [property: Id(1)] Guid OfferingId)
{
    /// <summary>The active holds of these children, wherever they are.</summary>
    public static async Task<HoldAt[]> ActiveOfAsync(DbConnection connection, DbTransaction? transaction, IEnumerable<Guid> requestIds)
    {
        // One statement per child: Dapper's list expansion (IN @ids) bypasses the GUID type handler on SQLite.
        var active = new List<HoldAt>();
        foreach (var requestId in requestIds)
            active.AddRange(await connection.QueryAsync<HoldAt>(
                "SELECT id AS HoldId, offering_id AS OfferingId FROM holds WHERE request_id = @requestId AND status = 'active' ORDER BY id",
                new { requestId }, transaction));
        return [.. active];
    }
}

[GenerateSerializer, Immutable, Alias("mm.Acceptance")]
public sealed record Acceptance([property: Id(0)] Guid[] PlacedRequests, [property: Id(1)] HoldAt[] StillActiveElsewhere);
