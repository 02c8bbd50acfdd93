using System.Text.Json;
using Matchmaker.Matching;
using Matchmaker.Silo.Requests;
using Matchmaker.Tests.Infrastructure;
using Matchmaker.Tests.Retention;

namespace Matchmaker.Tests.Market;

/// <summary>The validator refuses children a measure or a care type cannot be for, each on its own field, in Dutch.</summary>
[Trait(Lane.Name, Lane.Fast)]
public sealed class RequestEligibilityTests
{
    private static readonly SetClock Today = new(new DateTimeOffset(2026, 12, 5, 12, 0, 0, TimeSpan.Zero));

    /// <summary>A 12-year-old boy under an OTS since November, waiting for a residential group: nothing unusual.</summary>
    private static RequestInput OrdinaryChild() => new(
        "RT-2026-1", MeasureTypes.Supervision, new DateOnly(2026, 11, 1), Urgencies.Urgent, CareTypes.Residential, [], false,
        "2014-03", "m", "3011", 51.92, 4.48, 50, null, "", "");

    /// <summary>The field errors as the API names them (camelCase).</summary>
    private static Dictionary<string, string[]> Errors(RequestInput input) =>
        new RequestInputValidator(Today).Validate(input).ToDictionary().ToDictionary(e => JsonNamingPolicy.CamelCase.ConvertName(e.Key), e => e.Value);

    [Fact]
    public void AnOrdinaryChild_PassesEveryRule()
    {
        Assert.Empty(Errors(OrdinaryChild()));
    }

    [Fact]
    public void AToddlerUnderJuvenileProbation_IsRefusedOnTheMeasure()
    {
        var errors = Errors(OrdinaryChild() with { MeasureType = MeasureTypes.JuvenileProbation, BirthMonth = "2024-06", CareType = CareTypes.FamilyHome });

        Assert.Equal(["measureType"], errors.Keys);
        Assert.Contains("Jeugdreclassering is voor jongeren van 12 tot en met 23 jaar", errors["measureType"][0]);
    }

    [Theory]
    [InlineData(MeasureTypes.Supervision)]
    [InlineData(MeasureTypes.ProvisionalSupervision)]
    [InlineData(MeasureTypes.Guardianship)]
    [InlineData(MeasureTypes.OutOfHomePlacement)]
    [InlineData(MeasureTypes.SecureCareAuthorisation)]
    public void AChildProtectionMeasure_StartedAtEighteen_IsRefusedOnTheMeasure(string measure)
    {
        // Turned 18 in October 2026 (counted from the birth month), the measure started in November.
        var errors = Errors(OrdinaryChild() with { MeasureType = measure, BirthMonth = "2008-10" });

        Assert.Equal(["measureType"], errors.Keys);
        Assert.Contains("minderjarigen", errors["measureType"][0]);
    }

    [Fact]
    public void AChildProtectionMeasure_StartedAtSeventeen_AndJuvenileProbationAtTwelveOrTwentyThree_Pass()
    {
        Assert.Empty(Errors(OrdinaryChild() with { BirthMonth = "2008-12" }));
        Assert.Empty(Errors(OrdinaryChild() with { MeasureType = MeasureTypes.JuvenileProbation, BirthMonth = "2014-11" }));
        Assert.Empty(Errors(OrdinaryChild() with { MeasureType = MeasureTypes.JuvenileProbation, BirthMonth = "2003-01" }));
    }

    [Fact]
    public void AnEighteenYearOldUnderJuvenileProbation_Passes()
    {
        Assert.Empty(Errors(OrdinaryChild() with { MeasureType = MeasureTypes.JuvenileProbation, BirthMonth = "2007-05", CareType = CareTypes.Forensic }));
    }

    [Theory]
    [InlineData(CareTypes.MotherAndChildHome, "f")]
    [InlineData(CareTypes.Forensic, "m")]
    [InlineData(CareTypes.Addiction, "x")]
    public void ACareTypeForAdolescents_ForAnElevenYearOld_IsRefusedOnTheCareType(string careType, string gender)
    {
        var errors = Errors(OrdinaryChild() with { CareType = careType, Gender = gender, BirthMonth = "2015-06" });

        Assert.Equal(["careType"], errors.Keys);
        Assert.Contains("vanaf 12 jaar; dit kind is 11", errors["careType"][0]);
    }

    [Fact]
    public void ACareTypeForAdolescents_ForATwelveYearOld_Passes()
    {
        Assert.Empty(Errors(OrdinaryChild() with { CareType = CareTypes.MotherAndChildHome, Gender = "f", BirthMonth = "2014-12" }));
        Assert.Empty(Errors(OrdinaryChild() with { CareType = CareTypes.Addiction, BirthMonth = "2014-12" }));
    }

    [Theory]
    [InlineData("m")]
    [InlineData("x")]
    public void AMotherAndChildHome_ForAnyoneButAGirl_IsRefusedOnTheGender(string gender)
    {
        var errors = Errors(OrdinaryChild() with { CareType = CareTypes.MotherAndChildHome, Gender = gender, BirthMonth = "2010-04" });

        Assert.Equal(["gender"], errors.Keys);
        Assert.Contains("Moeder-kindhuis is voor een jonge moeder", errors["gender"][0]);
    }

    [Fact]
    public void AMeasureBeforeTheBirthMonth_IsStillRefusedOnTheStart_AndNotAlsoOnTheMeasure()
    {
        var errors = Errors(OrdinaryChild() with { MeasureType = MeasureTypes.JuvenileProbation, BirthMonth = "2026-11", MeasureStart = new DateOnly(2026, 10, 20) });

        Assert.Equal(["measureStart"], errors.Keys);
        Assert.Equal("De maatregel kan niet vóór de geboortemaand zijn begonnen.", errors["measureStart"][0]);
    }
}
