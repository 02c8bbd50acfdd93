using Matchmaker.Silo.Market;
using Matchmaker.Tests.Infrastructure;

namespace Matchmaker.Tests.Market;

/// <summary>An intake address as providers give them is taken; markup, quotes, dots out of place and half domains are not.</summary>
[Trait(Lane.Name, Lane.Fast)]
public sealed class EmailAddressTests
{
    [Theory]
    [InlineData("intake@aanbieder.example")]
    [InlineData("j.de.vries+intake@zorg-noord.nl")]
    [InlineData("o'brien@jeugdzorg.frl")]
    [InlineData("INFO@Zorg.NL")]
    [InlineData("aanmelden@gezinshuis.co.uk")]
    [InlineData("info@zorgtehuis-élan.nl")]
    [InlineData("info@xn--zorg-9ra.xn--p1ai")]
    public void AnAddressAsProvidersGiveIt_IsTaken(string address) => Assert.True(EmailAddress.IsValid(address), address);

    [Theory]
    [InlineData("geen-adres")]
    [InlineData("intake@aanbieder")]
    [InlineData("intake@aanbieder.n")]
    [InlineData("<b>@aanbieder.nl")]
    [InlineData("\"><svg/onload=alert(1)>@aanbieder.nl")]
    [InlineData("\"intake desk\"@aanbieder.nl")]
    [InlineData("intake..desk@aanbieder.nl")]
    [InlineData(".intake@aanbieder.nl")]
    [InlineData("intake.@aanbieder.nl")]
    [InlineData("intake@-aanbieder.nl")]
    [InlineData("intake@aanbieder-.nl")]
    [InlineData("intake@aanbieder..nl")]
    [InlineData("intake@[127.0.0.1]")]
    [InlineData("intake(desk)@aanbieder.nl")]
    [InlineData("intake@aanbieder.nl\n")]
    [InlineData("intake@@aanbieder.nl")]
    [InlineData("in take@aanbieder.nl")]
    public void MarkupQuotesStrayDotsAndHalfDomains_AreRefused(string address) => Assert.False(EmailAddress.IsValid(address), address);

    [Fact]
    public void AnAddressOfMoreThan200Characters_IsRefused()
    {
        Assert.True(EmailAddress.IsValid(new string('a', 186) + "@aanbieder.nl"));
        Assert.False(EmailAddress.IsValid(new string('a', 188) + "@aanbieder.nl"));
    }
}
