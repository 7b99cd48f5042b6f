//Maya ASCII 2020 scene
//Name: renderman_usd.ma
//Codeset: UTF-8
requires maya "2020";
requires -nodeType "PxrDomeLight" -nodeType "PxrRectLight" -nodeType "PxrDiskLight"
		 -nodeType "PxrTexture" -nodeType "PxrGoboLightFilter" "RenderMan_for_Maya.py" "23.5";
requires -nodeType "mayaUsdProxyShape" "mayaUsdPlugin" "0.8.0";
currentUnit -l centimeter -a degree -t film;
fileInfo "application" "maya";
fileInfo "product" "Maya 2020";
createNode transform -s -n "persp";
createNode camera -s -n "perspShape" -p "persp";
	setAttr -k off ".v" no;
createNode transform -n "domeLight";
createNode PxrDomeLight -n "domeLightShape" -p "domeLight";
	setAttr -k off ".v";
	setAttr ".lightColorMap" -type "string" "sourceimages/studio.hdr";
createNode transform -n "rectLight";
createNode PxrRectLight -n "rectLightShape" -p "rectLight";
	setAttr ".lightColorMap" -type "string" "sourceimages/softbox_gone.exr";
	setAttr ".iesProfile" -type "string" "lights/spot.ies";
createNode transform -n "diskLight";
createNode PxrDiskLight -n "diskLightShape" -p "diskLight";
	setAttr ".iesProfile" -type "string" "lights/missing.ies";
createNode PxrGoboLightFilter -n "gobo";
	setAttr ".map" -type "string" "sourceimages/gobo.<UDIM>.tex";
createNode PxrTexture -n "wallTex";
	setAttr ".filename" -type "string" "sourceimages/wall.tex";
createNode transform -n "setStage";
createNode mayaUsdProxyShape -n "setStageShape" -p "setStage";
	setAttr -k off ".v";
	setAttr ".fp" -type "string" "usd/set.usdc";
createNode transform -n "propStage";
createNode mayaUsdProxyShape -n "propStageShape" -p "propStage";
	setAttr ".fp" -type "string" "usd/prop_gone.usdc";
select -ne :defaultRenderGlobals;
	setAttr ".ren" -type "string" "renderman";
	setAttr ".an" yes;
// End of renderman_usd.ma
