using Matchmaker.Silo.Market;
using Matchmaker.Tests.Infrastructure;

namespace Matchmaker.Tests.Foundation;

/// <summary>The app runs without ICU: its Dutch culture carries Dutch words for dates and a decimal comma all the same.</summary>
[Trait(Lane.Name, Lane.Fast)]
public sealed class DutchWordsTests
{
    [Theory]
    [InlineData(2026, 1, 14, "14 januari 2026, woensdag")]
    [InlineData(2026, 3, 1, "1 maart 2026, zondag")]
    [InlineData(2026, 11, 29, "29 november 2026, zondag")]
    public void ADate_ReadsInDutch(int year, int month, int day, string expected) =>
        Assert.Equal(expected, new DateOnly(year, month, day).ToString("d MMMM yyyy, dddd", DutchWords.Culture));

    [Fact]
    public void ANumber_HasADecimalComma() => Assert.Equal("1.234,5", 1234.5.ToString("#,##0.0", DutchWords.Culture));
}
