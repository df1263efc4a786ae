from django.urls import path

app_name = "deputies"

urlpatterns: list = []
