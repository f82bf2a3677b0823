"""A small sample written by the project: six short descriptions of World Heritage sites
(public-domain facts, written here) in several of the six UN languages, each with a simple
picture drawn with Pillow, and one exhibition that walks through them. Loading twice
changes nothing."""

from __future__ import annotations

import io
import math
from typing import IO

from django.db import transaction
from PIL import Image, ImageDraw

from cybercommons.core.countries import sync_countries
from cybercommons.core.models import Country, Membership, Organisation, Role, StakeholderType, User
from cybercommons.exchange import services
from cybercommons.exchange.models import Work
from cybercommons.exchange.services import TextInput

ORGANISATION = ("national-museum-pe", "National Museum of Archaeology", "PE")
EDITOR = "lucia"

# key: (country, place, period, year, subjects, picture, texts {language: (title, text)})
WORKS: dict[str, tuple[str, str, str, int, list[str], str, dict[str, tuple[str, str]]]] = {
    "nazca": ("PE", "Nazca desert", "500 BCE – 500 CE", -200, ["geoglyphs", "archaeology"],
              "lines", {
                  "es": ("Las líneas de Nazca", "Geoglifos trazados en el desierto de Nazca "
                         "retirando las piedras rojizas de la superficie. Representan animales, "
                         "plantas y figuras geométricas."),
                  "en": ("The Nazca Lines", "Geoglyphs drawn in the Nazca desert by removing "
                         "the reddish surface stones. They show animals, plants and geometric "
                         "figures."),
                  "fr": ("Les lignes de Nazca", "Géoglyphes tracés dans le désert de Nazca en "
                         "retirant les pierres rougeâtres de la surface."),
                  "ar": ("خطوط نازكا", "رسوم أرضية في صحراء نازكا صُنعت بإزالة الحجارة "
                         "الحمراء عن سطح الأرض، وتمثل حيوانات ونباتات وأشكالاً هندسية."),
                  "zh-hans": ("纳斯卡线条", "纳斯卡沙漠中的地画，古人移开地表的红褐色石块而成，"
                              "描绘动物、植物和几何图形。"),
                  "ru": ("Линии Наски", "Геоглифы в пустыне Наска, созданные удалением "
                         "красноватых камней с поверхности."),
              }),
    "machu-picchu": ("PE", "Cusco region", "15th century", 1450, ["inca", "architecture"],
                     "mountains", {
                         "es": ("Machu Picchu", "Ciudadela inca construida en lo alto de los "
                                "Andes, con terrazas agrícolas y muros de piedra tallada."),
                         "en": ("Machu Picchu", "An Inca citadel high in the Andes, with "
                                "farming terraces and walls of fitted stone."),
                         "ru": ("Мачу-Пикчу", "Город инков высоко в Андах с "
                                "сельскохозяйственными террасами."),
                     }),
    "great-wall": ("CN", "Northern China", "7th century BCE – 17th century", 1400,
                   ["fortification", "architecture"], "wall", {
                       "zh-hans": ("长城", "中国古代修建的防御工程，绵延于北方的山脊和草原之间。"),
                       "en": ("The Great Wall", "Fortifications built over many centuries "
                              "across the ridges and steppes of northern China."),
                       "fr": ("La Grande Muraille", "Fortifications bâties au fil des siècles "
                              "sur les crêtes du nord de la Chine."),
                   }),
    "timbuktu": ("ML", "Timbuktu", "14th – 16th century", 1330, ["manuscripts", "mosques"],
                 "mosque", {
                     "fr": ("Les mosquées de Tombouctou", "Djingareyber, Sankoré et Sidi Yahia, "
                            "mosquées de terre crue, témoins d'un grand centre du savoir."),
                     "ar": ("مساجد تمبكتو", "مساجد جينغاريبر وسنكوري وسيدي يحيى المبنية من "
                            "الطين، شاهدة على مركز كبير للعلم."),
                     "en": ("The mosques of Timbuktu", "Djingareyber, Sankore and Sidi Yahia, "
                            "earthen mosques of a great centre of learning."),
                 }),
    "petra": ("JO", "Ma'an", "4th century BCE", -312, ["nabataean", "rock-cut architecture"],
              "facade", {
                  "ar": ("البتراء", "مدينة الأنباط المنحوتة في الصخر الوردي جنوب الأردن."),
                  "en": ("Petra", "The Nabataean city carved into rose-red rock in southern "
                         "Jordan."),
                  "es": ("Petra", "La ciudad nabatea tallada en la roca rosada del sur de "
                         "Jordania."),
              }),
    "kizhi": ("RU", "Lake Onega", "18th century", 1714, ["wooden architecture", "churches"],
              "domes", {
                  "ru": ("Кижский погост", "Деревянные церкви и колокольня на острове Кижи "
                         "в Онежском озере, построенные без единого гвоздя."),
                  "en": ("Kizhi Pogost", "Wooden churches and a bell tower on Kizhi island in "
                         "Lake Onega."),
                  "zh-hans": ("基日岛木结构教堂", "奥涅加湖基日岛上的木结构教堂和钟楼。"),
              }),
}

EXHIBITION_NARRATIVE = {
    "nazca": {"en": "We begin in the desert, where drawings are best seen from the sky.",
              "es": "Empezamos en el desierto, donde los dibujos se ven mejor desde el cielo."},
    "great-wall": {"en": "Builders in other lands worked stone on a scale as large.",
                   "es": "En otras tierras se trabajó la piedra a una escala igual de grande."},
    "timbuktu": {"en": "Earth, too, can hold a city's learning for centuries.",
                 "es": "También la tierra puede guardar el saber de una ciudad por siglos."},
}


def _picture(kind: str, seed: int) -> bytes:
    """A simple drawing for each site (never a copied file)."""
    image = Image.new("RGB", (480, 320), (226, 196, 150) if kind in ("lines", "facade")
                      else (170, 205, 235))
    draw = ImageDraw.Draw(image)
    if kind == "lines":
        points = [(240 + 150 * math.cos(t / 3) * math.sin(t / 7), 160 + 110 * math.sin(t / 5))
                  for t in range(0, 120)]
        draw.line(points, fill=(120, 70, 40), width=3)
        draw.line([(20, 300), (460, 30)], fill=(140, 90, 50), width=2)
    elif kind == "mountains":
        draw.polygon([(0, 320), (150, 60), (300, 320)], fill=(70, 110, 70))
        draw.polygon([(180, 320), (360, 100), (480, 320)], fill=(50, 90, 60))
        for row in range(6):
            draw.rectangle((120, 200 + row * 18, 260, 210 + row * 18), fill=(150, 150, 140))
    elif kind == "wall":
        draw.polygon([(0, 320), (0, 220), (120, 150), (260, 210), (380, 120), (480, 170),
                      (480, 320)], fill=(90, 120, 80))
        draw.line([(0, 215), (120, 145), (260, 205), (380, 115), (480, 165)],
                  fill=(130, 110, 90), width=10)
        for x in range(0, 480, 60):
            draw.rectangle((x, 130 + (x % 120) // 2, x + 16, 160 + (x % 120) // 2),
                           fill=(120, 100, 80))
    elif kind == "mosque":
        draw.rectangle((60, 160, 420, 300), fill=(180, 130, 80))
        for x in (100, 240, 380):
            draw.polygon([(x - 25, 160), (x, 60), (x + 25, 160)], fill=(160, 110, 70))
            for y in range(80, 160, 20):
                draw.line([(x - 30, y), (x + 30, y)], fill=(110, 80, 50), width=3)
    elif kind == "facade":
        draw.rectangle((110, 40, 370, 300), fill=(200, 120, 110))
        for x in (140, 200, 280, 340):
            draw.rectangle((x - 8, 120, x + 8, 300), fill=(170, 95, 90))
        draw.polygon([(110, 120), (240, 60), (370, 120)], fill=(180, 100, 95))
        draw.rectangle((215, 200, 265, 300), fill=(90, 50, 45))
    else:
        draw.rectangle((0, 250, 480, 320), fill=(60, 90, 140))
        for x, height in ((120, 150), (240, 210), (360, 150)):
            draw.rectangle((x - 35, 250 - height // 2, x + 35, 250), fill=(140, 100, 60))
            draw.ellipse((x - 25, 250 - height, x + 25, 250 - height // 2 + 10),
                         fill=(150, 160, 170))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _actor() -> tuple[User, Organisation]:
    slug, name, country = ORGANISATION
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        organisation = Organisation.objects.create(
            slug=slug, name=name, stakeholder_type=StakeholderType.GOVERNMENT,
            country=Country.objects.filter(code=country).first())
    user = User.objects.filter(username=EDITOR).first()
    if user is None:
        user = User.objects.create_user(username=EDITOR, display_name="Lucía Quispe")
        user.set_unusable_password()
        user.save(update_fields=["password"])
    Membership.objects.get_or_create(user=user, organisation=organisation,
                                     defaults={"role": Role.EDITOR})
    return user, organisation


def load(stdout: IO[str] | None = None) -> None:
    """Load the exchange sample (idempotent)."""
    if not Country.objects.exists():
        sync_countries()
    user, organisation = _actor()
    created = 0
    keys = {}
    with transaction.atomic():
        for seed, (key, (country, place, period, year, subjects, picture, texts)) in \
                enumerate(WORKS.items()):
            existing = Work.objects.filter(organisation=organisation,
                                           external_key=f"demo:{key}").first()
            if existing is not None:
                keys[key] = existing
                continue
            work = services.create_work(
                user, organisation, kind="image", licence="cc-by-4.0",
                creator="Cybercommons demo", external_key=f"demo:{key}",
                texts=[TextInput(language, title, f"<p>{text}</p>",
                                 "" if index == 0 else "Cybercommons demo")
                       for index, (language, (title, text)) in enumerate(texts.items())],
                subjects=subjects, country=Country.objects.filter(code=country).first(),
                place=place, period=period, year_start=year)
            services.add_media(user, work, data=_picture(picture, seed),
                               filename=f"{key}.png",
                               alt_text=f"A simple drawing evoking {texts['en'][0]}")
            services.publish_work(user, work)
            keys[key] = work
            created += 1
        services.save_exhibition(
            user, organisation, slug="world-heritage-tour",
            title={"en": "A short tour of world heritage", "es": "Un breve recorrido por el "
                   "patrimonio mundial", "fr": "Petit tour du patrimoine mondial"},
            introduction={"en": "<p>Six places, four continents, one common heritage.</p>",
                          "es": "<p>Seis lugares, cuatro continentes, un patrimonio común.</p>"},
            primary_language="en",
            items=[{"work": str(keys[key].uuid), "narrative": EXHIBITION_NARRATIVE.get(key, {})}
                   for key in WORKS],
            publish=True)
    if stdout is not None:
        stdout.write(f"exchange: {created} works added, one exhibition\n")
