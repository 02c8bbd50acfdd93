using Matchmaker.Silo.Market;
using Matchmaker.Silo.Requests;
using Matchmaker.Tests.Infrastructure;
using Matchmaker.Tests.Retention;

namespace Matchmaker.Tests.Foundation;

/// <summary>A BSN never enters the market: not as the case reference, not inside a note, a reason or a wish.</summary>
[Trait(Lane.Name, Lane.Fast)]
public sealed class BsnInTextTests
{
    [Theory]
    [InlineData("Moeder gaf BSN 123456782 door")]
    [InlineData("bsn: 123 456 782")]
    [InlineData("1234.56.782")]
    [InlineData("BSN111222333")]
    public void NineDigitsThatPassTheElfproef_AreABsn(string text) => Assert.True(PlainText.HasBsn(text));

    [Theory]
    [InlineData("Dossier RIJ-2026-01820")]
    [InlineData("123456781")]
    [InlineData("Bel 0612345678 na drie uur")]
    [InlineData("Start op 2026-12-10 14:30")]
    [InlineData("12345678")]
    [InlineData("000000000")]
    [InlineData("123-456-782")]
    [InlineData("Bel +31 612345671")]
    public void OtherNumbers_AreNot(string text) => Assert.False(PlainText.HasBsn(text));

    [Fact]
    public void ANoteOrReasonWithABsn_IsRefusedNamingItsField()
    {
        var note = PlainText.ProblemWith("kind heet X, bsn 123456782", "note");
        var reason = Assert.Throws<MarketRuleException>(() => PlainText.JudgeReason("zie 1234.56.782"));

        Assert.Contains("BSN", note);
        Assert.Equal("reason", reason.Field);
        Assert.Contains("BSN", PlainText.DutchProblemWith("bsn 123 456 782", "De toelichting"));
        Assert.Null(PlainText.DutchProblemWith("Dossier RIJ-2026-01820", "De toelichting"));
    }

    [Fact]
    public void ACaseReferenceOrAWishWithABsn_IsRefusedBesideItsField()
    {
        var validator = new RequestInputValidator(new SetClock(new DateTimeOffset(2026, 12, 5, 12, 0, 0, TimeSpan.Zero)));
        var input = new RequestInput(CaseReference: "BSN123456782", MeasureType: "ots", MeasureStart: new DateOnly(2026, 11, 1), Urgency: "urgent",
            CareType: "residential", Needs: [], NeedsSecure: false, BirthMonth: "2014-05", Gender: "f", HomePc4: "3011", HomeLat: 51.92, HomeLon: 4.48,
            MaxDistanceKm: 50, SiblingGroup: null, ChildWishes: "Mijn BSN is 123 456 782", ParentWishes: null);

        // The field's name is camelCase once the web host has set FluentValidation's global name resolver, and as
        // declared before (this lane runs without the host): the field is what counts, not its case.
        var failures = validator.Validate(input).Errors.Select(e => e.PropertyName).ToList();

        Assert.Contains("caseReference", failures, StringComparer.OrdinalIgnoreCase);
        Assert.Contains("childWishes", failures, StringComparer.OrdinalIgnoreCase);
    }
}
