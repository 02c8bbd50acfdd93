using System.Collections.Concurrent;
using System.Text.Json;
using Matchmaker.Silo.Grains;
using Matchmaker.Silo.Market;

namespace Matchmaker.Silo.Requests;

/// <summary>
/// The holds this node heard had ended (declined, released, expired, accepted), from the live feed that brings every
/// change to every node: a child's request grain judging its next hold from memory leaves these out, so a desk holding
/// again after a provider's decline needs no read and no message of its own. Only a hint: a hold this node did not hear
/// of (not yet, or forgotten) costs the hold's guard that fails and one read.
/// </summary>
public sealed class EndedHolds
{
    /// <summary>About the answers of a few days of a busy market; past it the memory starts again.</summary>
    public const int Capacity = 50_000;

    private readonly ConcurrentDictionary<Guid, byte> _ended = new();
    private int _count; // about the dictionary's count, which would take all its locks to ask

    public bool Ended(Guid holdId) => _ended.ContainsKey(holdId);

    /// <summary>Notes the holds these changes ended; other changes, and payloads it cannot read, change nothing.</summary>
    public void HeardOf(IEnumerable<MarketChange> changes)
    {
        foreach (var change in changes)
        {
            if (change.Topic != MarketEvent.HoldChanged) continue;
            HoldChangedPayload? hold;
            try
            {
                hold = JsonSerializer.Deserialize<HoldChangedPayload>(change.Payload, Journal.EventJson);
            }
            catch (Exception e) when (e is JsonException or ArgumentException or NotSupportedException)
            {
                // Only a hint: a payload it cannot read must never hold up the live feed that brought it.
                continue;
            }
            if (hold is null || hold.Status == "active") continue;
            if (Volatile.Read(ref _count) >= Capacity)
            {
                _ended.Clear();
                Volatile.Write(ref _count, 0);
            }
            if (_ended.TryAdd(hold.HoldId, 0)) Interlocked.Increment(ref _count);
        }
    }
}
