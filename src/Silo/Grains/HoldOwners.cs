using System.Collections.Concurrent;
using Matchmaker.Silo.Data;

namespace Matchmaker.Silo.Grains;

/// <summary>
/// Where the holds placed or looked up on this node live: a hold's offering, request and region never change and holds
/// are never deleted, so what is remembered stays true; an answer to a hold placed here needs no read to find its grain.
/// Only holds that exist are remembered (placed, or found by the read); the grains judge every answer as before.
/// </summary>
public sealed class HoldOwners
{
    /// <summary>About the holds of a few days of a busy market; past it the memory starts again (the read still answers).</summary>
    public const int Capacity = 50_000;

    private readonly ConcurrentDictionary<Guid, (Guid OfferingId, string RequestKey)> _known = new();
    private int _count; // about the dictionary's count, which would take all its locks to ask

    /// <summary>How many holds are remembered (exact, so it takes every lock of the dictionary: for tests and operators, not the hot path).</summary>
    public int Count => _known.Count;

    public async Task<(Guid OfferingId, string RequestKey)?> OfAsync(Database database, Guid holdId)
    {
        if (_known.TryGetValue(holdId, out var owner)) return owner;
        var found = await RequestGrainKey.OfHoldAsync(database, holdId);
        if (found is { } read) Remember(holdId, read.OfferingId, read.RequestKey);
        return found;
    }

    public void Remember(string regionCode, IEnumerable<HoldPlaced> holds)
    {
        foreach (var hold in holds) Remember(hold.HoldId, hold.OfferingId, RequestGrainKey.For(regionCode, hold.RequestId));
    }

    /// <summary>An answered hold is not answered again (a retry reads it).</summary>
    public void Forget(Guid holdId)
    {
        if (_known.TryRemove(holdId, out _)) Interlocked.Decrement(ref _count);
    }

    private void Remember(Guid holdId, Guid offeringId, string requestKey)
    {
        if (Volatile.Read(ref _count) >= Capacity)
        {
            _known.Clear();
            Volatile.Write(ref _count, 0);
        }
        if (_known.TryAdd(holdId, (offeringId, requestKey))) Interlocked.Increment(ref _count);
    }
}
