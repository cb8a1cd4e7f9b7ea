from django.urls import path

from microcred.wallet import views

app_name = "wallet"

urlpatterns = [path("", views.home, name="home")]
