"""Montérégie: its MRC and their municipalities, as listed in the project's domain notes.

Ids: ``region:monteregie``, ``mrc:<slug>`` and ``mun:<slug>`` (accents folded).
"""

from __future__ import annotations

import actionplan
from actionplan.model.territory import Territory

#: MRC name → municipality names, in the order of the source list.
MRC_MUNICIPALITIES: dict[str, tuple[str, ...]] = {
    'Les Maskoutains': (
        'Saint-Hyacinthe',
        'La Présentation',
        'Saint-Barnabé-Sud',
        'Saint-Bernard-de-Michaudville',
        'Saint-Damase',
        'Saint-Dominique',
        'Saint-Hugues',
        'Saint-Jude',
        'Saint-Liboire',
        'Saint-Louis',
        'Saint-Marcel-de-Richelieu',
        'Saint-Pie',
        'Saint-Simon',
        'Saint-Valérien-de-Milton',
        'Sainte-Hélène-de-Bagot',
        'Sainte-Madeleine',
        'Sainte-Marie-Madeleine',
    ),
    'Beauharnois-Salaberry': (
        'Beauharnois',
        'Salaberry-de-Valleyfield',
        'Saint-Étienne-de-Beauharnois',
        'Saint-Louis-de-Gonzague',
        'Saint-Stanislas-de-Kostka',
        'Saint-Urbain-Premier',
        'Sainte-Martine',
    ),
    'Le Haut-Saint-Laurent': (
        'Dundee',
        'Elgin',
        'Franklin',
        'Godmanchester',
        'Havelock',
        'Hinchinbrooke',
        'Howick',
        'Huntingdon',
        'Ormstown',
        'Saint-Anicet',
        'Saint-Chrysostome',
        'Sainte-Barbe',
        'Très-Saint-Sacrement',
    ),
    'Les Jardins-de-Napierville': (
        'Hemmingford (village)',
        'Hemmingford (canton)',
        'Napierville',
        'Saint-Bernard-de-Lacolle',
        'Saint-Cyprien-de-Napierville',
        'Saint-Édouard',
        'Saint-Jacques-le-Mineur',
        'Saint-Michel',
        'Saint-Patrice-de-Sherrington',
        'Saint-Rémi',
        'Sainte-Clotilde',
    ),
    'Roussillon': (
        'Candiac',
        'Châteauguay',
        'Delson',
        'La Prairie',
        'Léry',
        'Mercier',
        'Saint-Constant',
        'Saint-Isidore',
        'Saint-Mathieu',
        'Saint-Philippe',
        'Sainte-Catherine',
    ),
    'Vaudreuil-Soulanges': (
        'Coteau-du-Lac',
        'Hudson',
        "L'Île-Cadieux",
        "L'Île-Perrot",
        'Les Cèdres',
        'Les Coteaux',
        "Notre-Dame-de-l'Île-Perrot",
        'Pincourt',
        'Pointe-des-Cascades',
        'Pointe-Fortune',
        'Rigaud',
        'Rivière-Beaudette',
        'Saint-Clet',
        'Sainte-Justine-de-Newton',
        'Sainte-Marthe',
        'Saint-Lazare',
        'Saint-Polycarpe',
        'Saint-Télesphore',
        'Saint-Zotique',
        'Terrasse-Vaudreuil',
        'Très-Saint-Rédempteur',
        'Vaudreuil-Dorion',
        'Vaudreuil-sur-le-Lac',
    ),
}

REGION_ID = "region:monteregie"


def _slug(name: str) -> str:
    from actionplan.model.base import slugify

    return slugify(name, max_length=80)


def mrc_id(name: str) -> str:
    return "mrc:" + _slug(name)


def municipality_id(name: str) -> str:
    return "mun:" + _slug(name)


def territories() -> list[Territory]:
    """Every territory of the built-in Montérégie gazetteer."""
    result = [Territory(id=REGION_ID, name="Montérégie", level="region")]
    for mrc_name, municipalities in MRC_MUNICIPALITIES.items():
        mrc = mrc_id(mrc_name)
        result.append(Territory(id=mrc, name=mrc_name, level="mrc", parent=REGION_ID))
        result.extend(
            Territory(id=municipality_id(name), name=name, level="municipality", parent=mrc)
            for name in municipalities
        )
    return result


@actionplan.hookimpl
def actionplan_register_territories(register):
    for territory in territories():
        register(territory)
