namespace Matchmaker.Matching.Allocation;

/// <summary>
/// A child's places (all of its kind of care) in order of place, and where each stood in the order they came in. A
/// child within reach of a good part of the places of its kind has them picked out of that kind's places, already in
/// order, in one pass; a child with a few is sorted. The same order either way: places are distinct.
/// </summary>
internal sealed class InPlaceOrder
{
    private readonly Dictionary<string, int[]> _ofKind = new(StringComparer.Ordinal);
    /// <summary>Per place, where it stands in the list being ordered (-1: not in it).</summary>
    private readonly int[] _position;
    private int[] _nearness = new int[16];

    public InPlaceOrder(IReadOnlyList<Place> places)
    {
        var ofKind = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var p = 0; p < places.Count; p++)
        {
            if (!ofKind.TryGetValue(places[p].CareType, out var list)) ofKind[places[p].CareType] = list = [];
            list.Add(p);
        }
        foreach (var (kind, list) in ofKind) _ofKind[kind] = [.. list];
        _position = new int[places.Count];
        Array.Fill(_position, -1);
    }

    /// <summary>The places ascending, and per place in that order its index in <paramref name="places"/> (the first as many; valid until the next call).</summary>
    public (int[] ByPlace, int[] Nearness) Of(List<int> places, string careType)
    {
        var byPlace = places.ToArray();
        if (_nearness.Length < byPlace.Length) _nearness = new int[Math.Max(byPlace.Length, _nearness.Length * 2)];
        var nearness = _nearness.AsSpan(0, byPlace.Length);
        // A pass over the kind's places costs about one comparison of a sort per place; a sort about log₂ k per item.
        if (_ofKind.TryGetValue(careType, out var ofKind) && ofKind.Length <= byPlace.Length * Math.Max(1, Log2(byPlace.Length)))
        {
            for (var i = 0; i < byPlace.Length; i++) _position[byPlace[i]] = i;
            var next = 0;
            foreach (var p in ofKind)
            {
                if (_position[p] < 0) continue;
                byPlace[next] = p;
                nearness[next++] = _position[p];
                _position[p] = -1;
            }
            if (next == byPlace.Length) return (byPlace, _nearness);
            // A place not of the child's kind (not from Candidates.Find): sorted below, as any list can be.
            for (var i = 0; i < places.Count; i++) (byPlace[i], _position[places[i]]) = (places[i], -1);
        }
        for (var i = 0; i < nearness.Length; i++) nearness[i] = i;
        byPlace.AsSpan().Sort(nearness);
        return (byPlace, _nearness);
    }

    private static int Log2(int n) => 31 - int.LeadingZeroCount(n);
}
