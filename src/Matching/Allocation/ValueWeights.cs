namespace Matchmaker.Matching.Allocation;

/// <summary>
/// The five levels of <see cref="AllocationValue"/> as one 128-bit number: each level weighs more than everything the
/// levels below it can add up to in this part, so comparing the numbers compares the levels in order.
/// </summary>
internal static class ValueWeights
{
    /// <summary>Per request, what placing it earns before its distance; null when that does not fit in 128 bits.</summary>
    public static Int128[]? Of(ComponentProblem problem)
    {
        var n = problem.RequestCount;
        Int128 distanceLimit = 1;
        Int128 waitingLimit = 1;
        for (var r = 0; r < n; r++)
        {
            if (problem.EdgeCost[r].Length > 0) distanceLimit += problem.EdgeCost[r].Max();
            waitingLimit += problem.WaitingDays[r];
        }
        try
        {
            // One waiting day outweighs every distance; one child of a class outweighs every waiting day; and so on up.
            var perWaitingDay = distanceLimit;
            var priority3 = checked(perWaitingDay * waitingLimit);
            var priority2 = checked(priority3 * (n + 1));
            var priority1 = checked(priority2 * (n + 1));
            // Potentials and path lengths stay within a few times the largest value: leave room for that.
            _ = checked(priority1 * (n + 1) * 64);
            var weight = new Int128[n];
            for (var r = 0; r < n; r++)
            {
                var classWeight = problem.Priority[r] switch { 1 => priority1, 2 => priority2, _ => priority3 };
                weight[r] = classWeight + perWaitingDay * problem.WaitingDays[r];
            }
            return weight;
        }
        catch (OverflowException)
        {
            return null;
        }
    }
}
