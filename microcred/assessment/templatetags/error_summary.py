"""``{% error_summary forms %}``: the errors of a page's forms, listed at its top with links to their fields."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.inclusion_tag("error_summary.html")
def error_summary(forms: Any) -> dict[str, Any]:
    """``forms``: one form or a list of them; the summary takes the focus when the page loads (``autofocus``)."""
    if hasattr(forms, "is_bound"):
        forms = [forms]
    items: list[tuple[str, str]] = []
    for form in forms or ():
        if form is None or not form.is_bound:
            continue
        for name, errors in form.errors.items():
            if name == "__all__" or name not in form.fields:
                items.extend(("", str(e)) for e in errors)
                continue
            field = form[name]
            anchor = field.auto_id if field.field.widget.use_fieldset else field.id_for_label
            items.extend((f"#{anchor}", f"{field.label}: {e}") for e in errors)
    return {"items": items}
