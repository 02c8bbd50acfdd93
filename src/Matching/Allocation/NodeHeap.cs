using System.Numerics;

namespace Matchmaker.Matching.Allocation;

/// <summary>
/// A binary min-heap of graph nodes keyed by (distance, node index), for the flow's shortest-path searches. The node
/// index breaks ties, so the searches (and therefore the allocation among equally good ones) are deterministic.
/// A node may be in the heap more than once; the search skips the stale entries. Its owner keeps it for all its searches rather than making one per search.
/// </summary>
internal sealed class NodeHeap<TKey>(int initialCapacity) where TKey : struct, IComparisonOperators<TKey, TKey, bool>
{
    private TKey[] _keys = new TKey[Math.Max(16, initialCapacity)];
    private int[] _nodes = new int[Math.Max(16, initialCapacity)];
    private int _count;

    public void Clear() => _count = 0;

    public bool IsEmpty => _count == 0;

    /// <summary>The smallest key in the heap (false when it is empty), without taking it out.</summary>
    public bool TryPeekKey(out TKey key)
    {
        key = _count > 0 ? _keys[0] : default;
        return _count > 0;
    }

    public void Push(int node, TKey key)
    {
        if (_count == _keys.Length)
        {
            Array.Resize(ref _keys, _count * 2);
            Array.Resize(ref _nodes, _count * 2);
        }
        var i = _count++;
        while (i > 0)
        {
            var parent = (i - 1) >> 1;
            if (!Less(key, node, _keys[parent], _nodes[parent])) break;
            _keys[i] = _keys[parent];
            _nodes[i] = _nodes[parent];
            i = parent;
        }
        _keys[i] = key;
        _nodes[i] = node;
    }

    public bool TryPop(out int node, out TKey key)
    {
        if (_count == 0)
        {
            node = -1;
            key = default;
            return false;
        }
        node = _nodes[0];
        key = _keys[0];
        var lastKey = _keys[--_count];
        var lastNode = _nodes[_count];
        var i = 0;
        while (true)
        {
            var child = 2 * i + 1;
            if (child >= _count) break;
            if (child + 1 < _count && Less(_keys[child + 1], _nodes[child + 1], _keys[child], _nodes[child])) child++;
            if (!Less(_keys[child], _nodes[child], lastKey, lastNode)) break;
            _keys[i] = _keys[child];
            _nodes[i] = _nodes[child];
            i = child;
        }
        _keys[i] = lastKey;
        _nodes[i] = lastNode;
        return true;
    }

    private static bool Less(TKey keyA, int nodeA, TKey keyB, int nodeB) => keyA < keyB || (keyA == keyB && nodeA < nodeB);
}
