namespace Matchmaker.Matching.Allocation;

/// <summary>
/// The lexicographic value of an allocation: children placed with priority 1, 2, 3, then the sum of their
/// waiting days (all: more is better), then the total distance (less is better), in micrometre units so that
/// equal distances compare equal.
/// </summary>
internal readonly record struct AllocationValue(long Priority1, long Priority2, long Priority3, long WaitingDays, long Distance)
    : IComparable<AllocationValue>
{
    public const double DistanceUnitsPerKm = 1e9;

    public static long DistanceUnits(double km) => (long)Math.Round(km * DistanceUnitsPerKm);

    public static AllocationValue Of(int priority, int waitingDays, long distance) => new(
        priority == 1 ? 1 : 0, priority == 2 ? 1 : 0, priority == 3 ? 1 : 0, waitingDays, distance);

    public static AllocationValue operator +(AllocationValue a, AllocationValue b) => new(
        a.Priority1 + b.Priority1, a.Priority2 + b.Priority2, a.Priority3 + b.Priority3, a.WaitingDays + b.WaitingDays, a.Distance + b.Distance);

    public static AllocationValue operator -(AllocationValue a, AllocationValue b) => new(
        a.Priority1 - b.Priority1, a.Priority2 - b.Priority2, a.Priority3 - b.Priority3, a.WaitingDays - b.WaitingDays, a.Distance - b.Distance);

    /// <summary>Positive when this allocation is better.</summary>
    public int CompareTo(AllocationValue other)
    {
        if (Priority1 != other.Priority1) return Priority1.CompareTo(other.Priority1);
        if (Priority2 != other.Priority2) return Priority2.CompareTo(other.Priority2);
        if (Priority3 != other.Priority3) return Priority3.CompareTo(other.Priority3);
        if (WaitingDays != other.WaitingDays) return WaitingDays.CompareTo(other.WaitingDays);
        return other.Distance.CompareTo(Distance);
    }
}
