from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from districts.selectors import district_list


def district_index(request: HttpRequest) -> HttpResponse:
    districts = list(district_list())
    totals = {
        "population": sum(d.population for d in districts),
        "area_km2": sum(d.area_km2 for d in districts),
    }
    return render(request, "districts/index.html", {"districts": districts, "totals": totals})
