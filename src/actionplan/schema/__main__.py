"""``python -m actionplan.schema``: regenerate the JSON Schema shipped with the package."""

from . import write_shipped_schema

if __name__ == "__main__":
    print(write_shipped_schema())
