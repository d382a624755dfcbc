"""Views of the registry core; generic list/detail/edit views the apps reuse live beside them."""
