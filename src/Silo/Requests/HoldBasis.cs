using System.Data.Common;
using Dapper;
using Matchmaker.Silo.Grains;
using Matchmaker.Silo.Market;

namespace Matchmaker.Silo.Requests;

/// <summary>
/// What a hold for one child is judged on: the child's open request, the open members of its sibling group (held
/// together), the region's hold rules and the child's active holds. The request grain keeps the last one it read or
/// wrote, so the child's next hold is judged without a read; the hold's own command guards every fact of it (each
/// child's version, the number of the child's active holds, the region's rules, see <see cref="HoldPremise"/>), and a
/// guard that finds one moved makes the grain read again. Only a basis just read refuses a hold.
/// </summary>
internal sealed class HoldBasis
{
    /// <summary>The child whose request grain judges, and its open siblings; the child alone when it has no group.</summary>
    public required MarketRows.RequestRow[] Children { get; init; }

    public required HoldRules Rules { get; init; }

    /// <summary>The child's active holds: hold id to offering id.</summary>
    public required IReadOnlyDictionary<Guid, Guid> ActiveHolds { get; init; }

    /// <summary>All four in one round trip; null when the child has no open request in the region.</summary>
    public static async Task<HoldBasis?> ReadAsync(DbConnection connection, string regionCode, Guid requestId)
    {
        await using var results = await connection.QueryMultipleAsync($"""
            {MarketRows.SelectRequests} WHERE id = @requestId AND region_code = @regionCode AND status = 'open';
            SELECT hold_hours AS HoldHours, max_parallel_holds AS MaxParallelHolds, allow_out_of_region AS AllowOutOfRegion,
                   allow_non_contracted AS AllowNonContracted
            FROM regions WHERE code = @regionCode;
            SELECT id AS HoldId, offering_id AS OfferingId FROM holds
            WHERE request_id = @requestId AND region_code = @regionCode AND status = 'active';
            {MarketRows.SelectRequests}
            WHERE region_code = @regionCode AND status = 'open'
              AND sibling_group = (SELECT sibling_group FROM requests WHERE id = @requestId AND region_code = @regionCode)
            ORDER BY id;
            """, new { requestId, regionCode });
        var child = await results.ReadSingleOrDefaultAsync<MarketRows.RequestRow>();
        var rules = await results.ReadSingleOrDefaultAsync<HoldRules>();
        var active = await results.ReadAsync<ActiveHold>();
        var group = (await results.ReadAsync<MarketRows.RequestRow>()).ToArray();
        if (child is null || rules is null) return null;
        // Each statement sees the rows as they were when it started: a group split between them is judged again.
        if (child.SiblingGroup is not null && group.All(sibling => sibling.Id != requestId))
            throw new MarketRuleException(RuleCode.RequestChanged, "The child's sibling group changed meanwhile; try again.");
        return new HoldBasis
        {
            Children = child.SiblingGroup is null ? [child] : group,
            Rules = rules,
            ActiveHolds = active.ToDictionary(hold => hold.HoldId, hold => hold.OfferingId),
        };
    }

    /// <summary>
    /// The basis after the hold it judged was placed: the hold's command moved every child's version by one, and the
    /// child has one active hold more.
    /// </summary>
    public HoldBasis After(IEnumerable<HoldPlaced> placed, Guid requestId) => new()
    {
        Children = [.. Children.Select(child => child with { Version = child.Version + 1 })],
        Rules = Rules,
        ActiveHolds = new Dictionary<Guid, Guid>(ActiveHolds.Concat(placed
            .Where(hold => hold.RequestId == requestId).Select(hold => KeyValuePair.Create(hold.HoldId, hold.OfferingId)))),
    };

    /// <summary>The basis without the child's holds that have ended at their offerings.</summary>
    public HoldBasis Without(Func<Guid, bool> ended) => ActiveHolds.Keys.Any(ended)
        ? new() { Children = Children, Rules = Rules, ActiveHolds = ActiveHolds.Where(hold => !ended(hold.Key)).ToDictionary() }
        : this;

    private sealed class ActiveHold
    {
        public Guid HoldId { get; init; }
        public Guid OfferingId { get; init; }
    }
}

/// <summary>The region's rules for holds, as a hold was judged on them.</summary>
internal sealed class HoldRules
{
    public int HoldHours { get; init; }
    public int MaxParallelHolds { get; init; }
    public bool AllowOutOfRegion { get; init; }
    public bool AllowNonContracted { get; init; }
}
