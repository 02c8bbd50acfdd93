using System.Data.Common;
using Dapper;

namespace Matchmaker.Silo.Grains;

/// <summary>
/// An offering's active holds as its grain knows them (at most one per held unit), so an answer can end a hold and its
/// siblings in the change's own command instead of first asking the database which rows those are. The database stays
/// the judge: every hold ended from here is guarded (<c>status = 'active'</c>), and a guard that finds no row makes the
/// grain load the holds again. The grain loads them again, too, when they do not count as many as the held units it
/// last read.
/// </summary>
internal sealed class ActiveHolds
{
    private readonly Dictionary<Guid, HoldRow> _byId;

    private ActiveHolds(IEnumerable<HoldRow> holds) => _byId = holds.ToDictionary(hold => hold.HoldId);

    public static async Task<ActiveHolds> LoadAsync(DbConnection connection, Guid offeringId, CancellationToken cancellationToken = default) =>
        new(await connection.QueryAsync<HoldRow>(new CommandDefinition("""
            SELECT id AS HoldId, request_id AS RequestId, region_code AS RegionCode, sibling_group AS SiblingGroup, expires_at AS ExpiresAt
            FROM holds WHERE offering_id = @offeringId AND status = 'active'
            """, new { offeringId }, cancellationToken: cancellationToken)));

    /// <summary>The hold and the active holds of its sibling group at this offering (they are answered together); null when the hold is not known here.</summary>
    public IReadOnlyList<HoldRow>? WithSiblings(Guid holdId)
    {
        if (!_byId.TryGetValue(holdId, out var answered)) return null;
        return answered.SiblingGroup is null
            ? [answered]
            : [answered, .. _byId.Values.Where(other => other.HoldId != holdId && other.SiblingGroup == answered.SiblingGroup
                && other.RegionCode == answered.RegionCode).OrderBy(other => other.HoldId)];
    }

    /// <summary>Whether the memory holds one hold per held unit, as the database does.</summary>
    public bool Counts(int heldUnits) => _byId.Count == heldUnits;

    public void Placed(IEnumerable<HoldRow> holds)
    {
        foreach (var hold in holds) _byId[hold.HoldId] = hold;
    }

    public void Ended(IEnumerable<Guid> holdIds)
    {
        foreach (var holdId in holdIds) _byId.Remove(holdId);
    }
}

/// <summary>A hold's row as its offering's grain needs it to end it and tell who it concerned.</summary>
internal sealed class HoldRow
{
    public Guid HoldId { get; init; }
    public Guid RequestId { get; init; }
    public string RegionCode { get; init; } = "";
    public string? SiblingGroup { get; init; }
    public DateTimeOffset ExpiresAt { get; init; }
}
