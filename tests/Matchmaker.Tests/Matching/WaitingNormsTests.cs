using Matchmaker.Matching;
using Matchmaker.Tests.Infrastructure;

namespace Matchmaker.Tests.Matching;

[Trait(Lane.Name, Lane.Fast)]
public sealed class WaitingNormsTests
{
    // Monday 2 November 2026 as the start of the measure.
    private static readonly DateOnly Start = new(2026, 11, 2);

    [Theory]
    [InlineData(0, WaitingNorms.Status.Within)]
    [InlineData(7, WaitingNorms.Status.Within)]              // next Monday: 5 working days passed, not more
    [InlineData(8, WaitingNorms.Status.OverFiveWorkingDays)] // Tuesday: the 6th working day
    [InlineData(42, WaitingNorms.Status.OverFiveWorkingDays)]
    [InlineData(43, WaitingNorms.Status.OverSixWeeks)]
    [InlineData(90, WaitingNorms.Status.OverSixWeeks)]       // 31 January: still within 3 months
    [InlineData(93, WaitingNorms.Status.OverThreeMonths)]    // 3 February: past 2 February
    public void AChildsNormStatus_IsTheLastNormItPassed(int daysWaited, WaitingNorms.Status expected)
    {
        Assert.Equal(expected, WaitingNorms.Of(Start, Start.AddDays(daysWaited)));
    }

    [Fact]
    public void AWeekend_IsNoWorkingDay()
    {
        Assert.Equal(5, WaitingNorms.WorkingDaysBetween(new DateOnly(2026, 11, 6), new DateOnly(2026, 11, 13)));
    }
}
