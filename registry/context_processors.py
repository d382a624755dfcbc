"""What every page of the shell needs: the menu for this user."""

from registry.navigation import menu_for


def shell(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"main_menu": menu_for(user), "site_name": "同心库"}
