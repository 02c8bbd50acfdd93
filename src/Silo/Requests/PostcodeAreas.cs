using Matchmaker.Matching;

namespace Matchmaker.Silo.Requests;

/// <summary>
/// Where a four-digit postcode (PC4) lies, roughly: the centre of its two-digit postcode area (postcodegebied), split
/// where one area spans places far apart (14, 17, 22, 43, 45, 74, 82). There is no official PC4-to-gemeente table in the
/// repository; this is enough to see that a PC4 and a municipality cannot belong together (3011 is Rotterdam, not
/// Aalten), not to decide which municipality a PC4 is in. Pure: no I/O.
/// </summary>
public static class PostcodeAreas
{
    /// <summary>A range of PC4s and the approximate centre of the places in it.</summary>
    public sealed record Area(int From, int To, double Lat, double Lon, string Places);

    /// <summary>How far (km) a PC4's area centre may lie from the chosen municipality's centre by default: areas are up to ~40 km across.</summary>
    public const double DefaultMaxKm = 35;

    public static readonly IReadOnlyList<Area> All =
    [
        new(1000, 1099, 52.37, 4.89, "Amsterdam"),
        new(1100, 1199, 52.31, 4.92, "Amsterdam-Zuidoost, Diemen, Amstelveen"),
        new(1200, 1299, 52.24, 5.20, "Hilversum, Huizen, Laren"),
        new(1300, 1399, 52.37, 5.21, "Almere"),
        new(1400, 1419, 52.28, 5.16, "Bussum, Naarden"),
        new(1420, 1439, 52.25, 4.77, "Uithoorn, Aalsmeer"),
        new(1440, 1499, 52.50, 4.92, "Purmerend, Wormer"),
        new(1500, 1599, 52.46, 4.79, "Zaanstad"),
        new(1600, 1699, 52.68, 5.08, "Hoorn, Enkhuizen, Medemblik"),
        new(1700, 1739, 52.70, 4.85, "Heerhugowaard"),
        new(1740, 1799, 52.90, 4.78, "Schagen, Den Helder"),
        new(1800, 1899, 52.62, 4.74, "Alkmaar, Heiloo, Bergen"),
        new(1900, 1999, 52.48, 4.64, "Castricum, Beverwijk, Velsen"),
        new(2000, 2099, 52.38, 4.64, "Haarlem"),
        new(2100, 2199, 52.30, 4.62, "Heemstede, Hoofddorp, Lisse"),
        new(2200, 2239, 52.22, 4.43, "Noordwijk, Katwijk"),
        new(2240, 2299, 52.08, 4.37, "Wassenaar, Voorburg, Rijswijk"),
        new(2300, 2399, 52.16, 4.49, "Leiden, Leiderdorp, Oegstgeest"),
        new(2400, 2499, 52.12, 4.68, "Alphen aan den Rijn, Nieuwkoop"),
        new(2500, 2599, 52.07, 4.29, "'s-Gravenhage"),
        new(2600, 2699, 52.00, 4.30, "Delft, Pijnacker-Nootdorp, Westland"),
        new(2700, 2799, 52.05, 4.55, "Zoetermeer, Waddinxveen, Boskoop"),
        new(2800, 2899, 52.00, 4.72, "Gouda, Schoonhoven"),
        new(2900, 2999, 51.90, 4.62, "Capelle, Krimpen, Alblasserdam, Ridderkerk"),
        new(3000, 3099, 51.92, 4.47, "Rotterdam"),
        new(3100, 3199, 51.92, 4.30, "Schiedam, Vlaardingen, Maassluis"),
        new(3200, 3299, 51.83, 4.20, "Spijkenisse, Hellevoetsluis, Goeree-Overflakkee"),
        new(3300, 3399, 51.81, 4.68, "Dordrecht, Zwijndrecht, Papendrecht"),
        new(3400, 3499, 52.05, 5.00, "Nieuwegein, IJsselstein, Woerden"),
        new(3500, 3599, 52.09, 5.11, "Utrecht"),
        new(3600, 3699, 52.18, 4.95, "Stichtse Vecht, De Ronde Venen"),
        new(3700, 3799, 52.14, 5.30, "Zeist, De Bilt, Soest, Baarn, Barneveld"),
        new(3800, 3899, 52.20, 5.45, "Amersfoort, Nijkerk, Harderwijk"),
        new(3900, 3999, 52.03, 5.40, "Veenendaal, Rhenen, Houten, Wijk bij Duurstede"),
        new(4000, 4099, 51.89, 5.40, "Tiel"),
        new(4100, 4199, 51.93, 5.20, "Culemborg, Vianen, Leerdam, Geldermalsen"),
        new(4200, 4299, 51.82, 4.98, "Gorinchem, Altena"),
        new(4300, 4329, 51.65, 3.90, "Schouwen-Duiveland"),
        new(4330, 4399, 51.50, 3.60, "Middelburg, Vlissingen, Veere"),
        new(4400, 4499, 51.50, 3.95, "Goes, Reimerswaal"),
        new(4500, 4529, 51.33, 3.50, "Sluis, Breskens"),
        new(4530, 4599, 51.30, 3.95, "Terneuzen, Hulst"),
        new(4600, 4699, 51.50, 4.25, "Bergen op Zoom, Tholen, Steenbergen"),
        new(4700, 4799, 51.56, 4.50, "Roosendaal, Halderberge, Moerdijk"),
        new(4800, 4899, 51.58, 4.75, "Breda, Etten-Leur, Zundert"),
        new(4900, 4999, 51.65, 4.88, "Oosterhout, Geertruidenberg"),
        new(5000, 5099, 51.56, 5.08, "Tilburg"),
        new(5100, 5199, 51.64, 5.00, "Dongen, Gilze en Rijen, Waalwijk"),
        new(5200, 5299, 51.69, 5.30, "'s-Hertogenbosch, Vught, Boxtel"),
        new(5300, 5399, 51.78, 5.40, "Zaltbommel, Oss, Maasdriel"),
        new(5400, 5499, 51.65, 5.65, "Uden, Meierijstad, Land van Cuijk"),
        new(5500, 5599, 51.38, 5.40, "Veldhoven, Valkenswaard, Waalre"),
        new(5600, 5699, 51.44, 5.47, "Eindhoven"),
        new(5700, 5799, 51.46, 5.70, "Helmond, Deurne, Someren"),
        new(5800, 5899, 51.55, 5.95, "Venray, Boxmeer"),
        new(5900, 5999, 51.38, 6.13, "Venlo, Horst aan de Maas, Peel en Maas"),
        new(6000, 6099, 51.22, 5.90, "Weert, Roermond"),
        new(6100, 6199, 51.03, 5.85, "Echt-Susteren, Sittard-Geleen"),
        new(6200, 6299, 50.85, 5.72, "Maastricht, Eijsden-Margraten"),
        new(6300, 6399, 50.87, 5.88, "Valkenburg, Voerendaal, Landgraaf"),
        new(6400, 6499, 50.90, 5.98, "Heerlen, Brunssum, Kerkrade"),
        new(6500, 6599, 51.80, 5.85, "Nijmegen, Berg en Dal, Heumen"),
        new(6600, 6699, 51.85, 5.75, "Wijchen, Beuningen, Druten, Overbetuwe"),
        new(6700, 6799, 52.03, 5.67, "Ede, Wageningen"),
        new(6800, 6899, 51.98, 5.90, "Arnhem, Renkum, Rheden"),
        new(6900, 6999, 52.00, 6.08, "Zevenaar, Duiven, Doesburg, Brummen"),
        new(7000, 7099, 51.93, 6.28, "Doetinchem, Oude IJsselstreek, Montferland"),
        new(7100, 7199, 51.98, 6.63, "Winterswijk, Aalten, Oost Gelre, Berkelland"),
        new(7200, 7299, 52.13, 6.35, "Zutphen, Lochem, Borculo"),
        new(7300, 7399, 52.21, 5.97, "Apeldoorn, Voorst"),
        new(7400, 7449, 52.26, 6.20, "Deventer"),
        new(7450, 7499, 52.25, 6.55, "Rijssen-Holten, Hof van Twente, Haaksbergen"),
        new(7500, 7599, 52.24, 6.85, "Enschede, Hengelo, Oldenzaal"),
        new(7600, 7699, 52.36, 6.67, "Almelo, Borne, Twenterand"),
        new(7700, 7799, 52.58, 6.55, "Hardenberg, Ommen, Coevorden"),
        new(7800, 7899, 52.76, 6.90, "Emmen"),
        new(7900, 7999, 52.72, 6.35, "Hoogeveen, Meppel, Staphorst"),
        new(8000, 8099, 52.51, 6.09, "Zwolle"),
        new(8100, 8199, 52.40, 6.22, "Raalte, Olst-Wijhe"),
        new(8200, 8259, 52.51, 5.55, "Lelystad, Dronten"),
        new(8260, 8299, 52.57, 5.95, "Kampen, Zwartewaterland"),
        new(8300, 8399, 52.73, 5.85, "Noordoostpolder, Urk, Steenwijkerland"),
        new(8400, 8499, 52.95, 6.05, "Heerenveen, Ooststellingwerf, Weststellingwerf"),
        new(8500, 8599, 52.92, 5.75, "De Fryske Marren"),
        new(8600, 8699, 53.03, 5.60, "Súdwest-Fryslân (Sneek)"),
        new(8700, 8799, 53.05, 5.45, "Súdwest-Fryslân (Bolsward)"),
        new(8800, 8899, 53.18, 5.45, "Harlingen, Waadhoeke"),
        new(8900, 8999, 53.20, 5.79, "Leeuwarden"),
        new(9000, 9099, 53.12, 5.85, "Leeuwarden (omgeving)"),
        new(9100, 9199, 53.32, 5.95, "Noardeast-Fryslân"),
        new(9200, 9299, 53.15, 6.10, "Smallingerland, Tytsjerksteradiel, Achtkarspelen"),
        new(9300, 9399, 53.15, 6.42, "Noordenveld, Westerkwartier"),
        new(9400, 9499, 52.98, 6.60, "Assen, Midden-Drenthe, Aa en Hunze"),
        new(9500, 9599, 52.95, 6.95, "Stadskanaal, Borger-Odoorn"),
        new(9600, 9699, 53.15, 6.85, "Midden-Groningen, Veendam, Oldambt"),
        new(9700, 9799, 53.22, 6.57, "Groningen"),
        new(9800, 9899, 53.25, 6.40, "Westerkwartier, Het Hogeland"),
        new(9900, 9999, 53.35, 6.75, "Eemsdelta, Het Hogeland"),
    ];

    /// <summary>The area of a PC4, or null when the PC4 is not four digits of a Dutch postcode.</summary>
    public static Area? Of(string? pc4) =>
        pc4 is { Length: 4 } && int.TryParse(pc4, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number)
            ? All.FirstOrDefault(a => a.From <= number && number <= a.To)
            : null;

    /// <summary>How far (km) the PC4's area centre lies from a point; null when the PC4 is unknown.</summary>
    public static double? DistanceKm(string? pc4, double lat, double lon) => Of(pc4) is { } area ? Geo.DistanceKm(area.Lat, area.Lon, lat, lon) : null;

    /// <summary>
    /// A PC4 that belongs with a municipality (the demo's children and locations): from an area that names it and lies near
    /// its centre (Vlaardingen gets a 31xx), else from the area whose centre is nearest (Capelle aan den IJssel a 29xx);
    /// <paramref name="pick"/> chooses the area among those that name it and the number in it.
    /// </summary>
    public static string InMunicipality(string municipality, double lat, double lon, int pick)
    {
        var named = All.Where(a => PlacesOf(a).Contains(municipality) && Geo.DistanceKm(a.Lat, a.Lon, lat, lon) <= DefaultMaxKm).ToList();
        var areas = named.Count > 0 ? named : [All.MinBy(a => Geo.DistanceKm(a.Lat, a.Lon, lat, lon))!];
        var area = areas[pick % areas.Count];
        return (area.From + pick / areas.Count % (area.To - area.From + 1)).ToString("0000", System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The places an area names, without their notes: "Súdwest-Fryslân (Sneek)" is Súdwest-Fryslân.</summary>
    public static IEnumerable<string> PlacesOf(Area area) => area.Places.Split(", ").Select(place => place.Split(" (")[0]);
}

/// <summary>How far a home PC4's area may lie from the chosen municipality (<c>Requests:HomePc4MaxKm</c>, default 35 km).</summary>
public sealed record HomeAreaOptions(double MaxKm)
{
    public static HomeAreaOptions FromConfiguration(Microsoft.Extensions.Configuration.IConfiguration configuration)
    {
        var maxKm = Microsoft.Extensions.Configuration.ConfigurationBinder.GetValue(configuration, "Requests:HomePc4MaxKm", PostcodeAreas.DefaultMaxKm);
        if (maxKm is <= 0 or > 400) throw new InvalidOperationException($"Requests:HomePc4MaxKm is between 0 and 400 km (got {maxKm}).");
        return new(maxKm);
    }
}
