namespace Matchmaker.Matching;

/// <summary>
/// The three norms a waiting child is measured against, all counted from the start of the measure: contact within
/// 5 working days, a plan within 6 weeks, suitable help within 3 months. A child's status is the last norm it passed.
/// </summary>
public static class WaitingNorms
{
    public enum Status { Within, OverFiveWorkingDays, OverSixWeeks, OverThreeMonths }

    public const int ContactWorkingDays = 5;
    public const int PlanDays = 42;

    /// <summary>Codes for the API, in the order of the statuses.</summary>
    public static string Code(Status status) => status switch
    {
        Status.OverThreeMonths => "over-3-months",
        Status.OverSixWeeks => "over-6-weeks",
        Status.OverFiveWorkingDays => "over-5-working-days",
        _ => "within",
    };

    public static Status Of(DateOnly measureStart, DateOnly today)
    {
        if (today > measureStart.AddMonths(3)) return Status.OverThreeMonths;
        if (today.DayNumber - measureStart.DayNumber > PlanDays) return Status.OverSixWeeks;
        if (WorkingDaysBetween(measureStart, today) > ContactWorkingDays) return Status.OverFiveWorkingDays;
        return Status.Within;
    }

    /// <summary>Whether a child waiting since <paramref name="measureStart"/> has passed <paramref name="norm"/> (or a later one) by <paramref name="today"/>.</summary>
    public static bool IsPast(Status norm, DateOnly measureStart, DateOnly today) => Of(measureStart, today) >= norm;

    /// <summary>Monday to Friday after <paramref name="from"/> up to and including <paramref name="to"/> (public holidays aside).</summary>
    public static int WorkingDaysBetween(DateOnly from, DateOnly to)
    {
        var days = 0;
        for (var day = from.AddDays(1); day <= to; day = day.AddDays(1))
            if (day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday)) days++;
        return days;
    }

    /// <summary>Days past the 3-month norm (0 while within it).</summary>
    public static int DaysOverThreeMonths(DateOnly measureStart, DateOnly today) =>
        Math.Max(0, today.DayNumber - measureStart.AddMonths(3).DayNumber);
}
