namespace Matchmaker.Silo.Demo;

/// <summary>A jeugdregio with real municipalities of it (the demo invents none) and its postcode areas.</summary>
public sealed record DemoRegion(string Code, string Name, double Lat, double Lon, int Pc4From, int Pc4To, double Weight, string[] Municipalities);

/// <summary>
/// The 42 youth-care regions (jeugdregio's) of the Netherlands, roughly as they were in 2024,
/// with an approximate centre and postcode range. Weight is the relative number of children.
/// </summary>
public static class DemoRegions
{
    public static readonly IReadOnlyList<DemoRegion> All =
    [
        new("groningen", "Groningen", 53.22, 6.57, 9700, 9999, 1.4, ["Groningen", "Midden-Groningen", "Eemsdelta", "Westerkwartier", "Oldambt", "Het Hogeland"]),
        new("friesland", "Friesland", 53.10, 5.80, 8400, 9299, 1.8, ["Leeuwarden", "Smallingerland", "Súdwest-Fryslân", "Heerenveen", "De Fryske Marren", "Tytsjerksteradiel"]),
        new("drenthe", "Drenthe", 52.87, 6.60, 7700, 9599, 1.4, ["Assen", "Emmen", "Hoogeveen", "Meppel", "Coevorden", "Aa en Hunze"]),
        new("ijsselland", "IJsselland", 52.52, 6.10, 7700, 8299, 1.5, ["Zwolle", "Deventer", "Kampen", "Raalte", "Hardenberg", "Olst-Wijhe"]),
        new("twente", "Twente", 52.27, 6.80, 7400, 7699, 1.9, ["Enschede", "Hengelo", "Almelo", "Oldenzaal", "Borne", "Hof van Twente"]),
        new("noord-veluwe", "Noord-Veluwe", 52.35, 5.75, 3840, 8099, 0.6, ["Harderwijk", "Ermelo", "Nunspeet", "Elburg", "Putten", "Oldebroek"]),
        new("stedendriehoek", "Stedendriehoek", 52.21, 6.00, 7300, 7399, 1.1, ["Apeldoorn", "Zutphen", "Lochem", "Epe", "Brummen", "Voorst"]),
        new("achterhoek", "Achterhoek", 51.97, 6.50, 7000, 7299, 1.0, ["Doetinchem", "Winterswijk", "Berkelland", "Oude IJsselstreek", "Aalten", "Montferland"]),
        new("centraal-gelderland", "Centraal Gelderland", 51.98, 5.91, 6800, 6999, 1.6, ["Arnhem", "Lingewaard", "Renkum", "Rheden", "Zevenaar", "Overbetuwe"]),
        new("rijk-van-nijmegen", "Rijk van Nijmegen", 51.84, 5.86, 6500, 6699, 1.2, ["Nijmegen", "Wijchen", "Berg en Dal", "Heumen", "Beuningen", "Druten"]),
        new("foodvalley", "Foodvalley", 52.03, 5.60, 3900, 3939, 1.0, ["Ede", "Veenendaal", "Barneveld", "Wageningen", "Nijkerk", "Scherpenzeel"]),
        new("rivierenland", "Rivierenland", 51.88, 5.43, 4000, 4199, 0.8, ["Tiel", "Culemborg", "West Betuwe", "Buren", "Maasdriel", "Neder-Betuwe"]),
        new("flevoland", "Flevoland", 52.45, 5.50, 8200, 8399, 1.5, ["Almere", "Lelystad", "Dronten", "Noordoostpolder", "Zeewolde", "Urk"]),
        new("gooi-en-vechtstreek", "Gooi en Vechtstreek", 52.25, 5.17, 1200, 1299, 0.9, ["Hilversum", "Huizen", "Gooise Meren", "Wijdemeren", "Laren", "Blaricum"]),
        new("utrecht-stad", "Utrecht Stad", 52.09, 5.12, 3500, 3599, 1.4, ["Utrecht"]),
        new("utrecht-west", "Utrecht West", 52.10, 4.90, 3440, 3649, 0.7, ["Woerden", "De Ronde Venen", "Stichtse Vecht", "Montfoort", "Oudewater"]),
        new("lekstroom", "Lekstroom", 52.00, 5.10, 3400, 3439, 0.6, ["Nieuwegein", "Houten", "IJsselstein", "Lopik"]),
        new("zuidoost-utrecht", "Zuidoost-Utrecht", 52.05, 5.35, 3940, 3999, 0.6, ["Zeist", "Utrechtse Heuvelrug", "Bunnik", "Wijk bij Duurstede", "De Bilt"]),
        new("amersfoort", "Regio Amersfoort", 52.16, 5.39, 3800, 3839, 1.0, ["Amersfoort", "Soest", "Leusden", "Baarn", "Bunschoten", "Woudenberg"]),
        new("amsterdam-amstelland", "Amsterdam-Amstelland", 52.37, 4.90, 1000, 1109, 4.2, ["Amsterdam", "Amstelveen", "Ouder-Amstel", "Diemen", "Aalsmeer", "Uithoorn"]),
        new("zaanstreek-waterland", "Zaanstreek-Waterland", 52.45, 4.83, 1440, 1549, 1.0, ["Zaanstad", "Purmerend", "Edam-Volendam", "Waterland", "Oostzaan", "Wormerland"]),
        new("zuid-kennemerland", "Zuid-Kennemerland", 52.38, 4.64, 2000, 2119, 0.9, ["Haarlem", "Zandvoort", "Heemstede", "Bloemendaal"]),
        new("ijmond", "IJmond", 52.46, 4.62, 1940, 1999, 0.5, ["Velsen", "Beverwijk", "Heemskerk"]),
        new("haarlemmermeer", "Haarlemmermeer", 52.30, 4.69, 2130, 2159, 0.7, ["Haarlemmermeer"]),
        new("noord-holland-noord", "Noord-Holland Noord", 52.70, 4.80, 1700, 1799, 1.2, ["Alkmaar", "Den Helder", "Dijk en Waard", "Schagen", "Bergen", "Heiloo"]),
        new("west-friesland", "West-Friesland", 52.65, 5.05, 1600, 1699, 0.9, ["Hoorn", "Enkhuizen", "Medemblik", "Koggenland", "Opmeer", "Drechterland"]),
        new("holland-rijnland", "Holland Rijnland", 52.16, 4.49, 2160, 2399, 2.0, ["Leiden", "Alphen aan den Rijn", "Katwijk", "Leiderdorp", "Teylingen", "Oegstgeest"]),
        new("haaglanden", "Haaglanden", 52.07, 4.30, 2490, 2699, 3.5, ["'s-Gravenhage", "Delft", "Zoetermeer", "Westland", "Rijswijk", "Leidschendam-Voorburg"]),
        new("midden-holland", "Midden-Holland", 52.01, 4.71, 2800, 2899, 0.8, ["Gouda", "Waddinxveen", "Bodegraven-Reeuwijk", "Krimpenerwaard", "Zuidplas"]),
        new("rijnmond", "Rijnmond", 51.92, 4.48, 3000, 3299, 4.0, ["Rotterdam", "Schiedam", "Vlaardingen", "Capelle aan den IJssel", "Barendrecht", "Nissewaard"]),
        new("zuid-holland-zuid", "Zuid-Holland Zuid", 51.81, 4.67, 3300, 3379, 1.4, ["Dordrecht", "Zwijndrecht", "Hoeksche Waard", "Papendrecht", "Sliedrecht", "Hendrik-Ido-Ambacht"]),
        new("zeeland", "Zeeland", 51.50, 3.85, 4300, 4599, 1.2, ["Middelburg", "Vlissingen", "Goes", "Terneuzen", "Schouwen-Duiveland", "Hulst"]),
        new("west-brabant-west", "West-Brabant West", 51.50, 4.30, 4600, 4699, 1.0, ["Bergen op Zoom", "Roosendaal", "Halderberge", "Woensdrecht", "Steenbergen", "Moerdijk"]),
        new("west-brabant-oost", "West-Brabant Oost", 51.59, 4.78, 4800, 4899, 1.4, ["Breda", "Oosterhout", "Etten-Leur", "Geertruidenberg", "Drimmelen", "Zundert"]),
        new("hart-van-brabant", "Hart van Brabant", 51.56, 5.09, 5000, 5199, 1.6, ["Tilburg", "Waalwijk", "Dongen", "Oisterwijk", "Gilze en Rijen", "Loon op Zand"]),
        new("noordoost-brabant", "Noordoost-Brabant", 51.70, 5.30, 5200, 5499, 2.0, ["'s-Hertogenbosch", "Oss", "Meierijstad", "Land van Cuijk", "Vught", "Heusden"]),
        new("zuidoost-brabant", "Zuidoost-Brabant", 51.44, 5.48, 5500, 5699, 2.2, ["Eindhoven", "Veldhoven", "Best", "Valkenswaard", "Waalre", "Son en Breugel"]),
        new("helmond-de-peel", "Helmond-De Peel", 51.48, 5.66, 5700, 5799, 0.8, ["Helmond", "Deurne", "Gemert-Bakel", "Laarbeek", "Someren", "Asten"]),
        new("noord-limburg", "Noord-Limburg", 51.37, 6.17, 5800, 5999, 0.9, ["Venlo", "Venray", "Horst aan de Maas", "Peel en Maas", "Beesel", "Gennep"]),
        new("midden-limburg", "Midden-Limburg", 51.19, 5.99, 6000, 6099, 0.8, ["Roermond", "Weert", "Maasgouw", "Leudal", "Roerdalen", "Echt-Susteren"]),
        new("zuid-limburg", "Zuid-Limburg", 50.85, 5.80, 6100, 6499, 2.0, ["Maastricht", "Heerlen", "Sittard-Geleen", "Kerkrade", "Landgraaf", "Brunssum"]),
        new("alblasserwaard", "Alblasserwaard-Vijfheerenlanden", 51.87, 4.90, 2950, 2999, 0.5, ["Gorinchem", "Molenlanden", "Alblasserdam", "Vijfheerenlanden"]),
    ];
}
