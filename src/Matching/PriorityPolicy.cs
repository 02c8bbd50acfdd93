namespace Matchmaker.Matching;

/// <summary>
/// How a request's priority and waiting days are set, before matching (versioned: the version is part of every
/// result, so a change of rules is visible). Documented for desks in docs/matching.md.
/// <list type="number">
/// <item>The desk's urgency gives the base class: crisis 1, urgent 2, regular 3.</item>
/// <item>A provisional OTS (voorlopige ondertoezichtstelling, a crisis measure) is at least urgent (2).</item>
/// <item>A child past the 3-month norm (suitable help within 3 months of the measure's start) moves up one class,
/// but not into crisis: crisis is for acute safety and only the desk sets it.</item>
/// <item>Waiting days count from the measure's start date (the date the norms count from) to the matching date, at least 0.</item>
/// </list>
/// </summary>
public static class PriorityPolicy
{
    public const string Version = "matchmaker-allocation-2026.11-1";

    public static int ThreeMonthNormDays => 91;

    public static (int Priority, int WaitingDays) Compute(string urgency, string measureType, DateOnly measureStart, DateOnly asOf)
    {
        var priority = urgency switch
        {
            Urgencies.Crisis => 1,
            Urgencies.Urgent => 2,
            Urgencies.Regular => 3,
            _ => throw new ArgumentException($"Unknown urgency '{urgency}'.", nameof(urgency)),
        };
        if (measureType == MeasureTypes.ProvisionalSupervision)
            priority = Math.Min(priority, 2);
        if (asOf > measureStart.AddMonths(3) && priority == 3)
            priority = 2;
        return (priority, WaitingDays(measureStart, asOf));
    }

    /// <summary>Days from the measure's start (where the norms count from) to <paramref name="asOf"/>, at least 0.</summary>
    public static int WaitingDays(DateOnly measureStart, DateOnly asOf) => Math.Max(0, asOf.DayNumber - measureStart.DayNumber);

    /// <summary>
    /// Why the priority is above the desk's urgency, if it is: <c>provisional-supervision</c> (a voorlopige OTS is at
    /// least urgent) or <c>over-3-months</c> (past the 3-month norm, one class up). Null when it is the desk's urgency.
    /// </summary>
    public static string? RaisedBecause(string urgency, string measureType, DateOnly measureStart, DateOnly asOf)
    {
        if (urgency != Urgencies.Regular) return null;
        if (measureType == MeasureTypes.ProvisionalSupervision) return "provisional-supervision";
        return asOf > measureStart.AddMonths(3) ? "over-3-months" : null;
    }

    public static string ClassName(int priority) => priority switch
    {
        1 => "crisis",
        2 => "urgent",
        3 => "regular",
        _ => $"priority {priority}",
    };
}
